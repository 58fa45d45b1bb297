using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;

namespace Deepen.Tests.Callbacks;

public class LearningRateSchedulerTests
{
    [Fact]
    public void SetsTheLearningRateAtEachEpoch()
    {
        Backend.SetRandomSeed(28);
        var model = new Sequential(new Dense(1, inputShape: 1));
        var sgd = new SGD(0.1);
        model.Compile(sgd, "mse");
        var seen = new List<(int, double)>();
        var scheduler = new LearningRateScheduler((epoch, lr) => { seen.Add((epoch, lr)); return 0.1 / (epoch + 1); });
        var rec = new RecordingCallback();
        model.Fit(new float[,] { { 1 }, { 2 } }, new float[] { 1, 2 }, epochs: 4, callbacks: [scheduler, rec], verbose: 0);
        double[] expected = { 0.1, 0.05, 0.1 / 3, 0.025 };
        Assert.Equal(expected.Length, rec.LearningRates.Count);
        for (int e = 0; e < expected.Length; e++) Assert.Equal(expected[e], rec.LearningRates[e], 12);
        Assert.Equal(new[] { 0, 1, 2, 3 }, seen.Select(s => s.Item1));
        Assert.Equal(0.1, seen[0].Item2, 12);            // the schedule receives the current rate
        Assert.Equal(0.1 / 3, seen[3].Item2, 12);
        Assert.Equal(0.025, sgd.LearningRate, 12);
    }

    [Fact]
    public void ANonPositiveRateFromTheScheduleIsRejected()
    {
        Backend.SetRandomSeed(29);
        var model = new Sequential(new Dense(1, inputShape: 1));
        model.Compile("sgd", "mse");
        var e = Assert.Throws<ArgumentException>(() =>
            model.Fit(new float[,] { { 1 } }, new float[] { 1 }, epochs: 2, callbacks: [new LearningRateScheduler((ep, lr) => ep == 1 ? 0 : lr)], verbose: 0));
        Assert.Contains("Received: schedule=0", e.Message);
        Assert.Contains("epoch 1", e.Message);
    }
}
