using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Callbacks;

/// <summary>A user-derived callback receives Keras's hooks in order, with the epoch's logs.</summary>
public class CallbackTests
{
    [Fact]
    public void DerivedCallbackReceivesHooksAndEpochLogs()
    {
        Backend.SetRandomSeed(20);
        var (x, y) = TestData.TwoMoons(40, 0.1, seed: 3);
        var model = new Sequential(new Dense(4, "relu", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        var cb = new RecordingCallback();
        var history = model.Fit(x, y, epochs: 2, batchSize: 10, validationSplit: 0.25, callbacks: [cb], verbose: 0);

        Assert.Equal(new[] { "train_begin", "epoch_begin 0", "epoch_end 0", "epoch_begin 1", "epoch_end 1", "train_end" }, cb.Events);
        Assert.Equal(2 * 3, cb.BatchLosses.Count); // 30 training samples in batches of 10, two epochs
        Assert.All(cb.BatchLosses, l => Assert.True(double.IsFinite(l) && l > 0));
        foreach (var (logs, epoch) in cb.EpochLogs.Select((l, i) => (l, i)))
        {
            Assert.Contains("loss", logs.Keys);
            Assert.Contains("val_loss", logs.Keys);
            Assert.Contains("accuracy", logs.Keys);
            Assert.Contains("val_accuracy", logs.Keys);
            Assert.Equal(history["loss"][epoch], logs["loss"]);
            Assert.Equal(history["val_loss"][epoch], logs["val_loss"]);
        }
        // The epoch's loss is the sample-weighted mean of its batch losses (equal batches here).
        Assert.Equal(cb.BatchLosses.Take(3).Average(), history["loss"][0], 5);
        Assert.Same(model, cb.Model);
    }

    [Fact]
    public void ModelIsUnavailableBeforeTraining()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new RecordingCallback().Model);
        Assert.Contains("RecordingCallback", e.Message);
    }

    [Fact]
    public void SettingStopTrainingStopsAfterTheEpoch()
    {
        Backend.SetRandomSeed(21);
        var model = new Sequential(new Dense(1, inputShape: 1));
        model.Compile("sgd", "mse");
        var history = model.Fit(new float[,] { { 1 }, { 2 } }, new float[] { 1, 2 }, epochs: 10, batchSize: 1,
            callbacks: [new StopAt(3)], verbose: 0);
        Assert.Equal(new[] { 0, 1, 2, 3 }, history.Epochs);
    }

    sealed class StopAt(int epoch) : Callback
    {
        public override void OnEpochEnd(int e, IDictionary<string, double> logs) { if (e == epoch) Model.StopTraining = true; }
    }
}
