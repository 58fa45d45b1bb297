using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Transformer;

public class TokenAndPositionEmbeddingTests
{
    [Fact]
    public void AddsTheTokenRowAndThePositionRow()
    {
        Backend.SetRandomSeed(91);
        var layer = new TokenAndPositionEmbedding(vocabularySize: 6, sequenceLength: 5, embeddingDim: 3, maskZero: true);
        Assert.Equal(new Shape(4, 3), layer.Build(4));
        var tokens = TestData.Values(layer.Weights.Single(w => w.Name == "token_embedding/embeddings").Value);
        var positions = TestData.Values(layer.Weights.Single(w => w.Name == "position_embedding/embeddings").Value);
        Assert.Equal(18, tokens.Length);
        Assert.Equal(15, positions.Length);
        long[] ids = { 5, 1, 0, 0, 2, 3, 4, 0 };
        using var x = tensor(ids, new long[] { 2, 4 });
        var y = TestData.Values(layer.Call(x));
        for (int i = 0; i < 8; i++)
            for (int d = 0; d < 3; d++)
                Assert.Equal(tokens[ids[i] * 3 + d] + positions[i % 4 * 3 + d], y[i * 3 + d], 6);
        Assert.Equal(ids.Select(i => i != 0), layer.ComputeMask(x, null)!.flatten().data<bool>().ToArray());
    }

    [Fact]
    public void PositionEmbeddingReturnsThePositionsOnly()
    {
        Backend.SetRandomSeed(92);
        var layer = new PositionEmbedding(sequenceLength: 6);
        layer.Build((4, 2));
        using var x = randn(3, 4, 2);
        using var y = layer.Call(x);
        Assert.Equal(new long[] { 3, 4, 2 }, y.shape);
        TestData.AssertTensorsClose(layer.Embeddings.Value.narrow(0, 0, 4), y.select(0, 2), 0);
        var e = Assert.Throws<ArgumentException>(() => layer.Call(randn(1, 7, 2)));
        Assert.Contains("sequenceLength=6", e.Message);
    }

    [Fact]
    public void RejectsSequencesLongerThanSequenceLengthAndBadArguments()
    {
        Assert.Contains("sequenceLength=4", Assert.Throws<ArgumentException>(() => new TokenAndPositionEmbedding(5, 4, 2).Build(6)).Message);
        Assert.Contains("Received: embeddingDim=0", Assert.Throws<ArgumentException>(() => new TokenAndPositionEmbedding(5, 4, 0)).Message);
        Assert.Contains("expected ndim=2", Assert.Throws<ArgumentException>(() => new TokenAndPositionEmbedding(5, 4, 2).Build((3, 2))).Message);
    }

    [Fact]
    public void SavesAndLoads()
    {
        Backend.SetRandomSeed(93);
        var model = new Sequential(new Dense(4, inputShape: (5, 3)), new PositionEmbedding(8, initializer: "random_normal"));
        using var x = randn(2, 5, 3);
        LayerRoundTrip.AssertSamePredictions(model, x);
    }
}
