using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using Deepen.Tests.Layers.Recurrent;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Transformer;

public class TransformerEncoderTests
{
    [Fact]
    public void KeepsTheShapeAndHasKerasHubWeights()
    {
        Backend.SetRandomSeed(81);
        var encoder = new TransformerEncoder(intermediateDim: 16, numHeads: 2);
        Assert.Equal(new Shape(5, 8), encoder.Build((5, 8)));
        // KerasHub: attention 4·(8·8 + 8), two layer norms 2·(2·8), feed-forward 8·16 + 16 + 16·8 + 8.
        Assert.Equal(4 * (8 * 8 + 8) + 2 * 16 + (8 * 16 + 16) + (16 * 8 + 8), encoder.CountParams());
        Assert.Contains(encoder.Weights, w => w.Name == "self_attention/query_kernel");
        Assert.Contains(encoder.Weights, w => w.Name == "feedforward_intermediate_dense/kernel");
        Assert.Equal(encoder.Weights.Count, encoder.Weights.Select(w => w.Name).Distinct().Count());
        using var y = encoder.Call(randn(3, 5, 8));
        Assert.Equal(new long[] { 3, 5, 8 }, y.shape);
        // Post-LN: every output row is normalized (gamma 1, beta 0 at initialization).
        Assert.True(y.mean(new long[] { -1 }).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void MatchesItsPartsComposedByHand()
    {
        Backend.SetRandomSeed(82);
        foreach (bool first in new[] { false, true })
        {
            var encoder = new TransformerEncoder(12, 2, normalizeFirst: first, activation: "gelu");
            encoder.Build((4, 6));
            foreach (var w in encoder.Weights) using (no_grad()) w.Value.add_(randn_like(w.Value) * 0.1);
            using var x = randn(2, 4, 6);
            using var y = encoder.Call(x);
            Tensor W(string n) => encoder.Weights.Single(w => w.Name == n).Value;
            Tensor Ln(Tensor t, string p) => nn.functional.layer_norm(t, new long[] { 6 }, W(p + "/gamma"), W(p + "/beta"), 1e-5);
            var h = first ? Ln(x, "self_attention_layer_norm") : x;
            var attended = encoder.Attention.Call(h, h);
            var a = attended + x;
            if (!first) a = Ln(a, "self_attention_layer_norm");
            var f = first ? Ln(a, "feedforward_layer_norm") : a;
            f = nn.functional.linear(nn.functional.gelu(nn.functional.linear(f, W("feedforward_intermediate_dense/kernel"), W("feedforward_intermediate_dense/bias"))),
                W("feedforward_output_dense/kernel"), W("feedforward_output_dense/bias"));
            var expected = f + a;
            if (!first) expected = Ln(expected, "feedforward_layer_norm");
            TestData.AssertTensorsClose(expected, y, 1e-5);
        }
    }

    [Fact]
    public void PaddingDoesNotChangeTheRealSteps()
    {
        Backend.SetRandomSeed(83);
        Sequential Make() => new(new TokenAndPositionEmbedding(10, 6, 8, maskZero: true), new TransformerEncoder(16, 2),
            new GlobalAveragePooling1D());
        var model = Make();
        model.Build(3);
        var padded = Make();
        padded.Build(6);
        padded.SetWeights(model.GetWeights());
        using var a = model.Predict(tensor(new long[] { 4, 2, 9, 7, 1, 1 }, new long[] { 2, 3 }));
        using var b = padded.Predict(tensor(new long[] { 4, 2, 9, 0, 0, 0, 7, 1, 1, 0, 0, 0 }, new long[] { 2, 6 }));
        TestData.AssertTensorsClose(a, b, 1e-5);
    }

    [Fact]
    public void LearnsTheOrderTaskWithPositionEmbeddings()
    {
        var (x, y) = SequenceData.AThenB(640, 8, 4, seed: 84);
        var (xTest, yTest) = SequenceData.AThenB(300, 8, 4, seed: 85);
        Backend.SetRandomSeed(84);
        var model = new Sequential(new TokenAndPositionEmbedding(7, 8, 16, inputShape: 8), new TransformerEncoder(32, 2),
            new GlobalAveragePooling1D(), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 8, batchSize: 32, verbose: 0);
        double accuracy = model.Evaluate(xTest, yTest, verbose: 0)["accuracy"];
        Assert.True(accuracy >= 0.9, $"Transformer test accuracy {accuracy:F3}");
    }

    [Fact]
    public void SavesAndLoads()
    {
        Backend.SetRandomSeed(86);
        var model = new Sequential(new TokenAndPositionEmbedding(12, 10, 8, maskZero: true, inputShape: 7),
            new TransformerEncoder(16, 4, dropout: 0.1, normalizeFirst: true, layerNormEpsilon: 1e-6), new GlobalAveragePooling1D(), new Dense(2));
        using var x = tensor(Enumerable.Range(0, 14).Select(i => (long)(i % 5 == 4 ? 0 : i % 12)).ToArray(), new long[] { 2, 7 });
        var loaded = LayerRoundTrip.AssertSamePredictions(model, x, 1e-5);
        var e = (TransformerEncoder)loaded.Layers[1];
        Assert.True(e.NormalizeFirst);
        Assert.Equal((16, 4, 0.1), (e.IntermediateDim, e.NumHeads, e.Dropout));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Contains("divisible by numHeads (3)", Assert.Throws<ArgumentException>(() => new TransformerEncoder(8, 3).Build((4, 8))).Message);
        Assert.Contains("Received: intermediateDim=0", Assert.Throws<ArgumentException>(() => new TransformerEncoder(0, 2)).Message);
        Assert.Contains("expected ndim=3", Assert.Throws<ArgumentException>(() => new TransformerEncoder(8, 2).Build(8)).Message);
    }
}
