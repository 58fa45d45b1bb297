using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Attention;

/// <summary>MultiHeadAttention as a multi-input layer of the functional API (Keras's <c>mha(query, value)</c>).</summary>
public class FunctionalAttentionTests
{
    static Model CrossAttention(out MultiHeadAttention mha)
    {
        var query = new Input((4, 8), name: "query");
        var value = new Input((6, 5), name: "value");
        mha = new MultiHeadAttention(numHeads: 2, keyDim: 3, name: "cross");
        var attended = mha.Call(query, value);
        var pooled = new GlobalAveragePooling1D().Call(attended);
        var output = new Dense(1, activation: "sigmoid").Call(pooled);
        return new Model(new KerasTensor[] { query, value }, output);
    }

    [Fact]
    public void CrossAttentionTakesTheQuerysStepsAndFeaturesAndTheValuesSize()
    {
        Backend.SetRandomSeed(1);
        var model = CrossAttention(out var mha);
        Assert.Equal(new Shape(4, 8), mha.OutputShape);
        Assert.Equal(new long[] { 6, 8 }, mha.Weights.Single(w => w.Name == "query_kernel").Shape);   // heads·keyDim × query features
        Assert.Equal(new long[] { 6, 5 }, mha.Weights.Single(w => w.Name == "key_kernel").Shape);     // keys default to the value (5 features)
        Assert.Equal(new long[] { 6, 5 }, mha.Weights.Single(w => w.Name == "value_kernel").Shape);
        using var y = model.Call(new[] { randn(3, 4, 8), randn(3, 6, 5) })[0];
        Assert.Equal(new long[] { 3, 1 }, y.shape);
    }

    [Fact]
    public void CrossAttentionModelLearnsAndRoundTripsThroughSaveAndLoad()
    {
        Backend.SetRandomSeed(2);
        var model = CrossAttention(out _);
        // label: whether the values' first feature is positive on average — reachable only through attention
        using var q = randn(256, 4, 8);
        using var v = randn(256, 6, 5);
        using var y = (v.select(2, 0).mean(new long[] { 1 }) > 0).to(ScalarType.Float32).view(-1, 1);
        model.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(new[] { q, v }, new[] { y }, epochs: 20, batchSize: 32, verbose: 0);
        Assert.True(history["loss"][^1] < 0.7 * history["loss"][0], $"loss {history["loss"][0]} → {history["loss"][^1]}");

        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "cross.deepen");
        model.Save(path);
        var loaded = Model.Load(path);
        using var a = model.Predict(new[] { q, v })[0];
        using var b = loaded.Predict(new[] { q, v })[0];
        Assert.True(a.allclose(b, rtol: 0, atol: 0), "predictions changed in the round trip");
    }

    [Fact]
    public void TheValuesPaddingMaskIsRespectedInAGraph()
    {
        Backend.SetRandomSeed(3);
        var query = new Input(4, name: "q_ids");
        var value = new Input(6, name: "v_ids");
        var qEmb = new Embedding(20, 8, maskZero: true).Call(query);
        var vEmb = new Embedding(20, 8, maskZero: true).Call(value);
        var attended = new MultiHeadAttention(numHeads: 2, keyDim: 4).Call(qEmb, vEmb);
        var model = new Model(new KerasTensor[] { query, value }, attended);
        using var qIds = tensor(new long[] { 3, 4, 5, 6 }).view(1, 4);
        using var vIds = tensor(new long[] { 7, 8, 9, 0, 0, 0 }).view(1, 6);
        using var vOther = tensor(new long[] { 7, 8, 9, 0, 0, 0 }).view(1, 6);
        using var before = model.Call(new[] { qIds, vIds })[0];
        // Padding ids map to embedding row 0; changing that row must not change the output.
        var vEmbLayer = (Embedding)model.Layers.First(l => l is Embedding && l != model.Layers.First(x => x is Embedding));
        using (no_grad()) vEmbLayer.Weights[0].Value[0].add_(5.0);
        using var after = model.Call(new[] { qIds, vOther })[0];
        Assert.True(before.allclose(after, rtol: 1e-5, atol: 1e-6), "a padded value step changed the output");
    }
}
