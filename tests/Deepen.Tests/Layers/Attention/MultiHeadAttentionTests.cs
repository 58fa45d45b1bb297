using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Attention;

public class MultiHeadAttentionTests
{
    [Fact]
    public void ShapesAndWeightsFollowKeras()
    {
        Backend.SetRandomSeed(71);
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 3, valueDim: 4, outputShape: 5);
        mha.Build((6, 8), (7, 10), (7, 9));
        Assert.Equal(new long[] { 6, 8 }, mha.Weights.Single(w => w.Name == "query_kernel").Shape);
        Assert.Equal(new long[] { 6, 9 }, mha.Weights.Single(w => w.Name == "key_kernel").Shape);
        Assert.Equal(new long[] { 8, 10 }, mha.Weights.Single(w => w.Name == "value_kernel").Shape);
        Assert.Equal(new long[] { 5, 8 }, mha.Weights.Single(w => w.Name == "output_kernel").Shape);
        // Keras's count: 3 einsum kernels + biases and the output projection.
        Assert.Equal(8 * 6 + 6 + 9 * 6 + 6 + 10 * 8 + 8 + 8 * 5 + 5, mha.CountParams());
        var (y, scores) = mha.CallWithScores(randn(2, 6, 8), randn(2, 7, 10), randn(2, 7, 9));
        Assert.Equal(new long[] { 2, 6, 5 }, y.shape);
        Assert.Equal(new long[] { 2, 2, 6, 7 }, scores.shape);
        Assert.True(scores.sum(-1).allclose(ones(2, 2, 6), atol: 1e-5));
        var self = new MultiHeadAttention(4, 2);
        Assert.Equal(new Shape(5, 12), self.Build((5, 12)));
    }

    [Fact]
    public void OneHeadMatchesSoftmaxOfScaledDotProducts()
    {
        Backend.SetRandomSeed(72);
        var mha = new MultiHeadAttention(1, 2, useBias: false);
        using var q = randn(1, 2, 3);
        using var v = randn(1, 3, 3);
        using var y = mha.Call(q, v);
        // Closed form from the kernels: Q = q·Wqᵀ, K = v·Wkᵀ, V = v·Wvᵀ, y = softmax(Q·Kᵀ/√2)·V·Woᵀ.
        Tensor W(string n) => mha.Weights.Single(w => w.Name == n).Value;
        using var Q = q.matmul(W("query_kernel").t());
        using var K = v.matmul(W("key_kernel").t());
        using var V = v.matmul(W("value_kernel").t());
        var qs = TestData.Values(Q); var ks = TestData.Values(K); var vs = TestData.Values(V);
        var o = TestData.Values(W("output_kernel"));   // [3, 2]
        var expected = new float[6];
        for (int t = 0; t < 2; t++)
        {
            var logits = Enumerable.Range(0, 3).Select(s => (qs[t * 2] * ks[s * 2] + qs[t * 2 + 1] * ks[s * 2 + 1]) / Math.Sqrt(2)).ToArray();
            double max = logits.Max();
            var e = logits.Select(l => Math.Exp(l - max)).ToArray();
            double z = e.Sum();
            var head = new double[2];
            for (int s = 0; s < 3; s++) for (int d = 0; d < 2; d++) head[d] += e[s] / z * vs[s * 2 + d];
            for (int f = 0; f < 3; f++) expected[t * 3 + f] = (float)(head[0] * o[f * 2] + head[1] * o[f * 2 + 1]);
        }
        TestData.AssertClose(expected, TestData.Values(y), 1e-5);
    }

    [Fact]
    public void MaskedKeysGetZeroWeightAndCannotChangeTheOutput()
    {
        Backend.SetRandomSeed(73);
        var mha = new MultiHeadAttention(2, 4);
        using var q = randn(2, 3, 6);
        using var v = randn(2, 5, 6);
        using var mask = tensor(new[] { true, true, false, true, false, true, true, true, true, false }, new long[] { 2, 5 });
        var (y, scores) = mha.CallWithScores(q, v, valueMask: mask);
        using var masked = mask.logical_not().view(2, 1, 1, 5).expand(2, 2, 3, 5);
        Assert.Equal(0f, scores.masked_select(masked).abs().max().item<float>());
        using var v2 = v.clone();
        using (no_grad()) { v2[0, 2] = full(6, 100f); v2[0, 4] = full(6, -7f); v2[1, 4] = full(6, 3f); }
        using var y2 = mha.Call(q, v2, valueMask: mask);
        TestData.AssertTensorsClose(y, y2, 1e-5);
        // The same through an explicit attention mask [batch, T, S].
        using var y3 = mha.Call(q, v2, attentionMask: mask.unsqueeze(1).expand(2, 3, 5));
        TestData.AssertTensorsClose(y, y3, 1e-5);
    }

    [Fact]
    public void CausalMaskHidesTheFuture()
    {
        Backend.SetRandomSeed(74);
        var mha = new MultiHeadAttention(2, 3);
        using var x = randn(1, 5, 6);
        var (y, scores) = mha.CallWithScores(x, x, useCausalMask: true);
        using var upper = ones(5, 5, dtype: ScalarType.Bool).triu(1).expand(1, 2, 5, 5);
        Assert.Equal(0f, scores.masked_select(upper).abs().max().item<float>());
        using var x2 = x.clone();
        using (no_grad()) x2[0, 3] = full(6, 9f);
        using var y2 = mha.Call(x2, x2, useCausalMask: true);
        TestData.AssertTensorsClose(y.narrow(1, 0, 3), y2.narrow(1, 0, 3), 1e-5);
        Assert.False(y.select(1, 3).allclose(y2.select(1, 3)));
    }

    [Fact]
    public void FullyMaskedQueriesGetZeroWeights()
    {
        Backend.SetRandomSeed(78);
        var mha = new MultiHeadAttention(1, 2);
        using var x = randn(1, 3, 4);
        using var mask = tensor(new[] { true, false, true }, new long[] { 1, 3 });
        var (_, scores) = mha.CallWithScores(x, x, queryMask: mask, valueMask: mask);
        Assert.Equal(new float[] { 0, 0, 0 }, TestData.Values(scores.select(2, 1)));
        Assert.True(scores.select(2, 0).sum().item<float>() > 0.99);
    }

    [Fact]
    public void InASequentialModelSelfAttentionRespectsThePaddingMask()
    {
        // Embedding(maskZero) → MHA → GlobalAveragePooling1D: [a, b, 0, 0] gives the same as [a, b].
        Backend.SetRandomSeed(75);
        Sequential Make(int steps) => new(new Embedding(9, 8, maskZero: true, inputShape: steps), new MultiHeadAttention(2, 4),
            new GlobalAveragePooling1D());
        var shortModel = Make(2);
        var padded = Make(4);
        padded.SetWeights(shortModel.GetWeights());
        using var a = shortModel.Predict(tensor(new long[] { 3, 5, 8, 1 }, new long[] { 2, 2 }));
        using var b = padded.Predict(tensor(new long[] { 3, 5, 0, 0, 8, 1, 0, 0 }, new long[] { 2, 4 }));
        TestData.AssertTensorsClose(a, b, 1e-5);
    }

    [Fact]
    public void DropoutOnlyInTraining()
    {
        Backend.SetRandomSeed(76);
        var mha = new MultiHeadAttention(2, 4, dropout: 0.5);
        using var x = randn(2, 6, 8);
        using var a = mha.Call(x);
        TestData.AssertTensorsClose(a, mha.Call(x), 0);
        Assert.False(a.allclose(mha.Call(x, training: true)));
    }

    [Fact]
    public void SavesAndLoads()
    {
        Backend.SetRandomSeed(77);
        var model = new Sequential(new MultiHeadAttention(2, 3, valueDim: 5, outputShape: 4, inputShape: (6, 8)), new Dense(1));
        using var x = randn(3, 6, 8);
        var loaded = LayerRoundTrip.AssertSamePredictions(model, x, 1e-5);
        var m = (MultiHeadAttention)loaded.Layers[0];
        Assert.Equal((2, 3, 5, 4), (m.NumHeads, m.KeyDim, m.ValueDim, m.OutputSize));
    }

    [Fact]
    public void RejectsBadArgumentsAndShapes()
    {
        Backend.SetRandomSeed(79);
        Assert.Contains("Received: numHeads=0", Assert.Throws<ArgumentException>(() => new MultiHeadAttention(0, 2)).Message);
        Assert.Contains("Received: keyDim=-2", Assert.Throws<ArgumentException>(() => new MultiHeadAttention(1, -2)).Message);
        Assert.Contains("Received: dropout=1.5", Assert.Throws<ArgumentException>(() => new MultiHeadAttention(1, 2, dropout: 1.5)).Message);
        var mha = new MultiHeadAttention(1, 2);
        Assert.Contains("`query`", Assert.Throws<ArgumentException>(() => mha.Call(randn(2, 4), randn(2, 3, 4))).Message);
        Assert.Contains("share the batch", Assert.Throws<ArgumentException>(() => mha.Call(randn(2, 3, 4), randn(3, 3, 4))).Message);
        Assert.Contains("attentionMask", Assert.Throws<ArgumentException>(() => mha.Call(randn(2, 3, 4), randn(2, 5, 4), attentionMask: ones(2, 3, 4, dtype: ScalarType.Bool))).Message);
        Assert.Contains("valueMask", Assert.Throws<ArgumentException>(() => mha.Call(randn(2, 3, 4), randn(2, 5, 4), valueMask: ones(2, 4, dtype: ScalarType.Bool))).Message);
    }
}
