using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Losses;
using Deepen.Models;
using Deepen.Optimizers;
using static TorchSharp.torch;

namespace Deepen.Tests.Callbacks;

public class TerminateOnNaNTests
{
    /// <summary>A loss that turns NaN from call <c>finiteCalls + 1</c> on.</summary>
    sealed class NaNAfter(int finiteCalls) : Loss
    {
        int _calls;
        public override string Name => "nan_after";
        protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
        {
            var mse = (yPred - yTrue).square().mean(new long[] { -1 });
            return ++_calls > finiteCalls ? mse * double.NaN : mse;
        }
    }

    sealed class NaNAfterThreeBatches : Loss
    {
        int _calls;
        public override string Name => "nan_after_three";
        protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
        {
            var mse = (yPred - yTrue).square().mean(new long[] { -1 });
            return ++_calls > 3 ? mse * double.NaN : mse;
        }
    }

    [Fact]
    public void StopsAtTheFirstNaNBatchLoss()
    {
        Backend.SetRandomSeed(32);
        var model = new Sequential(new Dense(1, inputShape: 2));
        model.Compile("sgd", new NaNAfterThreeBatches());
        var x = new float[10, 2];
        var y = new float[10];
        var stop = new TerminateOnNaN();
        var history = model.Fit(x, y, epochs: 5, batchSize: 2, shuffle: false, callbacks: [stop], verbose: 0);
        Assert.Equal(3, stop.TerminatedAtBatch);       // batches 0–2 are finite, batch 3 is NaN
        Assert.Single(history.Epochs);                 // the first epoch ends early and no other starts
        Assert.True(double.IsNaN(history["loss"][0]));
    }

    [Fact]
    public void StopsWhenAHugeLearningRateDiverges()
    {
        Backend.SetRandomSeed(33);
        var r = new Random(9);
        var x = new float[64, 3];
        var y = new float[64];
        for (int i = 0; i < 64; i++) { for (int j = 0; j < 3; j++) x[i, j] = (float)(1000 * r.NextDouble()); y[i] = 1000 * x[i, 0]; }
        var model = new Sequential(new Dense(1, inputShape: 3));
        model.Compile(new SGD(10), "mse");
        var stop = new TerminateOnNaN();
        var history = model.Fit(x, y, epochs: 50, batchSize: 8, callbacks: [stop], verbose: 0);
        Assert.NotNull(stop.TerminatedAtBatch);
        Assert.True(history.Epochs.Count < 50);
    }

    [Fact]
    public void FiniteTrainingRunsToTheEnd()
    {
        Backend.SetRandomSeed(34);
        var model = new Sequential(new Dense(1, inputShape: 1));
        model.Compile("sgd", "mse");
        var stop = new TerminateOnNaN();
        var history = model.Fit(new float[,] { { 1 }, { 2 } }, new float[] { 1, 2 }, epochs: 3, batchSize: 1, callbacks: [stop], verbose: 0);
        Assert.Null(stop.TerminatedAtBatch);
        Assert.Equal(3, history.Epochs.Count);
    }

    static (float[,] X, float[] Y) Line()
    {
        var x = new float[10, 2];
        var y = new float[10];
        for (int i = 0; i < 10; i++) { x[i, 0] = i / 10f; x[i, 1] = 1 - i / 10f; y[i] = 2 * x[i, 0] - x[i, 1]; }
        return (x, y);
    }

    [Fact]
    public void RestoreLastFiniteWeightsKeepsTheWeightsOfTheLastFiniteEpoch()
    {
        var (x, y) = Line();
        // Reference: one epoch (5 batches of 2) with the same seed and a loss that stays finite.
        Backend.SetRandomSeed(35);
        var reference = new Sequential(new Dense(1, inputShape: 2));
        reference.Compile("sgd", new NaNAfter(int.MaxValue));
        reference.Fit(x, y, epochs: 1, batchSize: 2, shuffle: false, verbose: 0);

        // Finite for 7 batches: epoch 0 ends finite, epoch 1 turns NaN at its third batch (after two more updates).
        Backend.SetRandomSeed(35);
        var model = new Sequential(new Dense(1, inputShape: 2));
        model.Compile("sgd", new NaNAfter(7));
        var stop = new TerminateOnNaN(restoreLastFiniteWeights: true);
        model.Fit(x, y, epochs: 5, batchSize: 2, shuffle: false, callbacks: [stop], verbose: 0);

        Assert.Equal(1, stop.TerminatedAtEpoch);
        Assert.Equal(2, stop.TerminatedAtBatch);
        Assert.True(double.IsNaN(stop.InvalidLoss!.Value));
        Assert.Equal(0, stop.RestoredEpoch);
        var expected = reference.GetWeights();
        var actual = model.GetWeights();
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].data<float>().ToArray(), actual[i].data<float>().ToArray());
    }

    [Fact]
    public void RestoreLastFiniteWeightsPutsBackTheInitialWeightsWhenTheFirstEpochDiverges()
    {
        var (x, y) = Line();
        Backend.SetRandomSeed(36);
        var model = new Sequential(new Dense(1, inputShape: 2));
        var initial = model.GetWeights();
        model.Compile("sgd", new NaNAfter(2));
        var stop = new TerminateOnNaN(restoreLastFiniteWeights: true);
        model.Fit(x, y, epochs: 3, batchSize: 2, shuffle: false, callbacks: [stop], verbose: 0);
        Assert.Equal(-1, stop.RestoredEpoch);
        var actual = model.GetWeights();
        for (int i = 0; i < initial.Count; i++) Assert.Equal(initial[i].data<float>().ToArray(), actual[i].data<float>().ToArray());
    }

    [Fact]
    public void WithoutRestoreADivergedModelKeepsItsNaNWeightsAsInKeras()
    {
        var (x, y) = Line();
        Backend.SetRandomSeed(37);
        var model = new Sequential(new Dense(1, inputShape: 2));
        model.Compile("sgd", new NaNAfter(2));
        var stop = new TerminateOnNaN();
        model.Fit(x, y, epochs: 3, batchSize: 2, shuffle: false, callbacks: [stop], verbose: 0);
        Assert.Null(stop.RestoredEpoch);
        Assert.Contains(model.GetWeights(), w => !isfinite(w).all().item<bool>());
    }
}
