using Deepen.Layers;
using Deepen.Losses;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Training;

/// <summary>
/// Fit's sample weights take Keras's shapes: (batch,), (batch, 1) and (batch, timesteps) (keras/src/losses/loss.py,
/// squeeze_or_expand_to_same_rank; losses_test.py::test_sample_weighted / test_timestep_weighted). The first epoch's
/// loss of a one-batch, one-epoch run is the weighted loss at the initial weights.
/// </summary>
public class SampleWeightTests
{
    static double FirstLoss(Model model, Tensor x, Tensor y, Tensor w)
    {
        var history = model.Fit(x, y, epochs: 1, batchSize: (int)x.shape[0], shuffle: false, verbose: 0, sampleWeight: w);
        return history["loss"][0];
    }

    [Fact]
    public void ColumnWeightsEqualVectorWeightsAndMatchTheLoss()
    {
        Backend.SetRandomSeed(4);
        var (x, y) = TestData.LinearRegression(8, seed: 3);
        var w = tensor(new float[] { 1, 2, 0, 0.5f, 3, 1, 1, 0 });
        var a = new Sequential(new Dense(1, inputShape: 4));
        var b = new Sequential(new Dense(1, inputShape: 4));
        b.SetWeights(a.GetWeights());
        a.Compile("sgd", "mse");
        b.Compile("sgd", "mse");
        using var predicted = a.Predict(x);
        double expected = new MeanSquaredError().Call(y, predicted, w).item<float>();
        Assert.Equal(expected, FirstLoss(a, x, y, w), 5);
        Assert.Equal(expected, FirstLoss(b, x, y, w.unsqueeze(1)), 5);   // (batch, 1): Keras's result, not a (batch, batch) product
        Assert.True(TestData.SameWeights(a.GetWeights(), b.GetWeights()));
    }

    [Fact]
    public void TimestepWeightsWeighEachStep()
    {
        Backend.SetRandomSeed(6);
        var x = randn(4, 3, 2);
        var y = randn(4, 3, 1);
        var w = tensor(new float[] { 3, 6, 5, 0, 4, 2, 1, 1, 1, 0, 0, 2 }).reshape(4, 3);
        var model = new Sequential(new TimeDistributed(new Dense(1), inputShape: (3, 2)));
        model.Compile("sgd", "mse");
        using var predicted = model.Predict(x);
        double expected = (predicted - y).square().squeeze(-1).mul(w).sum().item<float>() / 12;
        Assert.Equal(expected, FirstLoss(model, x, y, w), 5);
    }

    [Fact]
    public void ClassWeightsWeighEachTimestepByItsLabelAndMultiplyTimestepWeights()
    {
        Backend.SetRandomSeed(8);
        var x = randn(4, 3, 2);
        var y = tensor(new float[] { 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1 }).reshape(4, 3, 1);
        var w = tensor(new float[] { 3, 6, 5, 0, 4, 2, 1, 1, 1, 0, 0, 2 }).reshape(4, 3);
        var classWeight = new Dictionary<int, double> { [0] = 1.0, [1] = 2.5 };
        var model = new Sequential(new TimeDistributed(new Dense(1, activation: "sigmoid"), inputShape: (3, 2)));
        model.Compile("sgd", "binary_crossentropy");
        using var p = model.Predict(x).clamp(1e-7, 1 - 1e-7);
        var bce = -(y * p.log() + (1 - y) * (1 - p).log()).squeeze(-1);            // (4, 3), one loss per step
        var cw = y.squeeze(-1) * 1.5 + 1;                                          // 1 for label 0, 2.5 for label 1
        double expected = bce.mul(w).mul(cw).sum().item<float>() / 12;
        var history = model.Fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0, sampleWeight: w, classWeight: classWeight);
        Assert.Equal(expected, history["loss"][0], 4);
    }
}
