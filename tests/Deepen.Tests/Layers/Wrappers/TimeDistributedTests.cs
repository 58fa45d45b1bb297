using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Wrappers;

public class TimeDistributedTests
{
    [Fact]
    public void AppliesTheSameLayerToEveryStep()
    {
        Backend.SetRandomSeed(111);
        var td = new TimeDistributed(new Dense(3, "relu"));
        Assert.Equal(new Shape(4, 3), td.Build((4, 5)));
        Assert.Equal(18, td.CountParams());
        Assert.Equal(new[] { "kernel", "bias" }, td.Weights.Select(w => w.Name));
        using var x = randn(2, 4, 5);
        using var y = td.Call(x);
        for (int t = 0; t < 4; t++)
            TestData.AssertTensorsClose(td.Layer.Call(x.select(1, t)), y.select(1, t), 1e-6);
    }

    [Fact]
    public void WrapsImageLayersForSequencesOfFrames()
    {
        Backend.SetRandomSeed(112);
        var model = new Sequential(new TimeDistributed(new Conv2D(4, 3), inputShape: (3, 8, 8, 2)),
            new TimeDistributed(new GlobalAveragePooling2D()), new LSTM(5), new Dense(2, "softmax"));
        Assert.Equal(new Shape(3, 6, 6, 4), model.Layers[0].OutputShape);
        Assert.Equal(new Shape(3, 4), model.Layers[1].OutputShape);
        using var x = randn(new long[] { 2, 3, 8, 8, 2 });
        LayerRoundTrip.AssertSamePredictions(model, x);
    }

    [Fact]
    public void FinalSoftmaxIsFusedWithTheLossAndMasksPassThrough()
    {
        Backend.SetRandomSeed(113);
        // Per-step classification: the label of each step is whether its token is odd.
        var r = new Random(113);
        var x = new int[256, 5];
        var y = new float[256, 5];
        for (int i = 0; i < 256; i++) for (int t = 0; t < 5; t++) { x[i, t] = r.Next(1, 9); y[i, t] = x[i, t] % 2; }
        var model = new Sequential(new Embedding(9, 8, maskZero: true, inputShape: 5), new TimeDistributed(new Dense(2, "softmax")));
        Assert.Equal("softmax", model.Layers[1].FinalActivation);
        using var ids = tensor(new long[] { 1, 0 }, new long[] { 1, 2 });
        using var mask = ids.ne(0);
        Assert.Same(mask, model.Layers[1].ComputeMask(ids, mask));
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 15, batchSize: 32, verbose: 0);
        Assert.True(model.Evaluate(x, y, verbose: 0)["accuracy"] > 0.95);
    }

    [Fact]
    public void RejectsBadInputs()
    {
        Assert.Contains("at least 3 dimensions", Assert.Throws<ArgumentException>(() => new TimeDistributed(new Dense(2)).Build(4)).Message);
        Assert.Contains("cannot wrap", Assert.Throws<ArgumentException>(() => new TimeDistributed(new LSTM(2))).Message);
        var built = new Dense(2);
        built.Build(3);
        Assert.Contains("unbuilt", Assert.Throws<ArgumentException>(() => new TimeDistributed(built)).Message);
    }
}
