using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Callbacks;

public class EarlyStoppingTests
{
    static (Sequential Model, float[,] X, float[] Y) Setup()
    {
        Backend.SetRandomSeed(22);
        var (x, y) = TestData.TwoMoons(32, 0.1, seed: 4);
        var model = new Sequential(new Dense(4, "relu", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        return (model, x, y);
    }

    [Fact]
    public void StopsAfterPatienceEpochsWithoutImprovement()
    {
        var (model, x, y) = Setup();
        // best at epoch 1; epochs 2 and 3 do not improve; patience 2 stops at epoch 3
        var script = new ScriptedLogs("score", 1.0, 0.5, 0.6, 0.55, 0.1, 0.1);
        var stop = new EarlyStopping(monitor: "score", mode: "min", patience: 2);
        var history = model.Fit(x, y, epochs: 20, batchSize: 16, callbacks: [script, stop], verbose: 0);
        Assert.Equal(3, stop.StoppedEpoch);
        Assert.Equal(1, stop.BestEpoch);
        Assert.Equal(4, history.Epochs.Count);
        Assert.Equal(4, history["loss"].Count);
    }

    [Fact]
    public void MinDeltaDecidesWhatCountsAsImprovement()
    {
        var (model, x, y) = Setup();
        var script = new ScriptedLogs("score", 1.0, 0.99, 0.98, 0.97, 0.96);
        var stop = new EarlyStopping(monitor: "score", mode: "min", patience: 1, minDelta: 0.05);
        var history = model.Fit(x, y, epochs: 10, batchSize: 16, callbacks: [script, stop], verbose: 0);
        Assert.Equal(1, stop.StoppedEpoch);
        Assert.Equal(2, history.Epochs.Count);
    }

    [Fact]
    public void AccuracyIsMaximizedInAutoMode()
    {
        var (model, x, y) = Setup();
        var script = new ScriptedLogs("val_accuracy", 0.5, 0.7, 0.6, 0.65, 0.9);
        var stop = new EarlyStopping(monitor: "val_accuracy", patience: 2);
        model.Fit(x, y, epochs: 10, batchSize: 16, callbacks: [script, stop], verbose: 0);
        Assert.Equal(1, stop.BestEpoch);
        Assert.Equal(3, stop.StoppedEpoch);
    }

    [Fact]
    public void RestoreBestWeightsRestoresTheBestEpochsWeights()
    {
        var (model, x, y) = Setup();
        var script = new ScriptedLogs("score", 3.0, 1.0, 2.0, 2.5);
        var stop = new EarlyStopping(monitor: "score", mode: "min", patience: 2, restoreBestWeights: true);
        model.Fit(x, y, epochs: 10, batchSize: 16, callbacks: [script, stop], verbose: 0);
        Assert.Equal(3, stop.StoppedEpoch);
        Assert.False(TestData.SameWeights(script.WeightsAtEpochEnd[1], script.WeightsAtEpochEnd[3]), "training should have moved the weights");
        Assert.True(TestData.SameWeights(script.WeightsAtEpochEnd[1], model.GetWeights()));
    }

    [Fact]
    public void WithoutRestoreTheLastWeightsStay()
    {
        var (model, x, y) = Setup();
        var script = new ScriptedLogs("score", 3.0, 1.0, 2.0, 2.5);
        var stop = new EarlyStopping(monitor: "score", mode: "min", patience: 2);
        model.Fit(x, y, epochs: 10, batchSize: 16, callbacks: [script, stop], verbose: 0);
        Assert.True(TestData.SameWeights(script.WeightsAtEpochEnd[3], model.GetWeights()));
    }

    [Fact]
    public void StopsOnRealValidationLossThatStopsImproving()
    {
        // A huge learning rate makes the validation loss bounce; with patience 0 training stops at the first bounce.
        Backend.SetRandomSeed(23);
        var (x, y) = TestData.TwoMoons(64, 0.3, seed: 5);
        var model = new Sequential(new Dense(1, "sigmoid", inputShape: 2));
        model.Compile(new Deepen.Optimizers.SGD(50), "binary_crossentropy");
        var stop = new EarlyStopping(patience: 0);
        var history = model.Fit(x, y, epochs: 30, batchSize: 8, validationSplit: 0.25, callbacks: [stop], verbose: 0);
        Assert.NotNull(stop.StoppedEpoch);
        Assert.True(history.Epochs.Count < 30);
        var val = history["val_loss"];
        Assert.True(val[^1] >= val.Take(val.Count - 1).Min(), "it stopped on an epoch that did not improve");
    }

    [Fact]
    public void NegativePatienceIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new EarlyStopping(patience: -1));
        Assert.Contains("Received: patience=-1", e.Message);
    }
}
