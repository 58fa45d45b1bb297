using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;

namespace Deepen.Tests.Callbacks;

public class ReduceLROnPlateauTests
{
    static Sequential Model(double lr)
    {
        Backend.SetRandomSeed(27);
        var model = new Sequential(new Dense(1, inputShape: 1));
        model.Compile(new SGD(lr), "mse");
        return model;
    }

    static readonly float[,] X = { { 1 }, { 2 } };
    static readonly float[] Y = { 1, 2 };

    [Fact]
    public void LowersTheLearningRateByFactorAfterPatienceEpochsOnAPlateau()
    {
        var model = Model(0.1);
        var script = new ScriptedLogs("val_loss", 1.0, 1.0, 1.0, 1.0, 1.0);
        var reduce = new ReduceLROnPlateau(factor: 0.5, patience: 2);
        var rec = new RecordingCallback();
        model.Fit(X, Y, epochs: 5, callbacks: [script, reduce, rec], verbose: 0);
        // epoch 0 sets the best; epochs 1–2 wait; reduce at 2; epochs 3–4 wait; reduce at 4
        Assert.Equal(new[] { 0.1, 0.1, 0.05, 0.05, 0.025 }, rec.LearningRates.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void ImprovementResetsTheWaitAndMinLrIsAFloor()
    {
        var model = Model(0.1);
        var script = new ScriptedLogs("val_loss", 1.0, 0.5, 0.5, 0.2, 0.2, 0.2, 0.2);
        var reduce = new ReduceLROnPlateau(factor: 0.1, patience: 1, minLr: 0.005);
        var rec = new RecordingCallback();
        model.Fit(X, Y, epochs: 7, callbacks: [script, reduce, rec], verbose: 0);
        Assert.Equal(new[] { 0.1, 0.1, 0.01, 0.01, 0.005, 0.005, 0.005 }, rec.LearningRates.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void FactorMustBeBetweenZeroAndOne()
    {
        var e = Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(factor: 1.5));
        Assert.Contains("Received: factor=1.5", e.Message);
    }
}
