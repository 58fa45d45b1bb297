using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Training;

/// <summary>
/// A sigmoid/softmax model compiled with a cross-entropy trains on logits; the loss it reports must equal the loss
/// computed by hand from the probabilities Predict returns.
/// </summary>
public class FusedLogitsTests
{
    [Fact]
    public void SigmoidWithBinaryCrossentropyReportsTheLossOfItsProbabilities()
    {
        Backend.SetRandomSeed(11);
        var (x, y) = TestData.TwoMoons(64, 0.3, seed: 1);
        var model = new Sequential(new Dense(8, "relu", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0);

        var p = TestData.Values(model.Predict(x));
        double expected = Enumerable.Range(0, y.Length).Average(i =>
            -(y[i] * Math.Log(Math.Clamp(p[i], 1e-7, 1 - 1e-7)) + (1 - y[i]) * Math.Log(1 - Math.Clamp(p[i], 1e-7, 1 - 1e-7))));
        double accuracy = Enumerable.Range(0, y.Length).Average(i => (p[i] > 0.5 ? 1 : 0) == y[i] ? 1.0 : 0.0);

        var scores = model.Evaluate(x, y, batchSize: 10, verbose: 0);
        Assert.Equal(expected, scores["loss"], 5);
        Assert.Equal(accuracy, scores["accuracy"], 10);
    }

    [Fact]
    public void SoftmaxWithCategoricalCrossentropyReportsTheLossOfItsProbabilities()
    {
        Backend.SetRandomSeed(12);
        var r = new Random(2);
        int n = 30;
        var x = new float[n, 3];
        var y = new float[n, 4];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++) x[i, j] = (float)TestData.Gaussian(r);
            y[i, r.Next(4)] = 1;
        }
        var model = new Sequential(new Dense(6, "tanh", inputShape: 3), new Dense(4, "softmax"));
        model.Compile(new SGD(0.1), "categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);

        var p = TestData.Values(model.Predict(x));
        double loss = 0, correct = 0;
        for (int i = 0; i < n; i++)
        {
            int label = Enumerable.Range(0, 4).First(j => y[i, j] == 1);
            loss -= Math.Log(p[i * 4 + label]);
            int argmax = Enumerable.Range(0, 4).MaxBy(j => p[i * 4 + j]);
            correct += argmax == label ? 1 : 0;
        }
        var scores = model.Evaluate(x, y, verbose: 0);
        Assert.Equal(loss / n, scores["loss"], 5);
        Assert.Equal(correct / n, scores["accuracy"], 10);
    }

    [Fact]
    public void SoftmaxWithSparseLabelsReportsTheLossOfItsProbabilities()
    {
        Backend.SetRandomSeed(13);
        var r = new Random(3);
        int n = 25;
        var x = new float[n, 2];
        var labels = new int[n];
        for (int i = 0; i < n; i++) { x[i, 0] = (float)r.NextDouble(); x[i, 1] = (float)r.NextDouble(); labels[i] = r.Next(3); }
        var model = new Sequential(new Dense(3, "softmax", inputShape: 2));
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(x, labels, epochs: 2, batchSize: 5, verbose: 0);

        var p = TestData.Values(model.Predict(x));
        double expected = Enumerable.Range(0, n).Average(i => -Math.Log(p[i * 3 + labels[i]]));
        Assert.Equal(expected, model.Evaluate(x, labels, verbose: 0)["loss"], 5);
    }

    [Fact]
    public void SaturatedSigmoidStillGivesAFiniteGradientThroughLogits()
    {
        // With logits ±60 the probabilities are exactly 0/1 in float32; the fused loss stays finite and trains.
        Backend.SetRandomSeed(14);
        var model = new Sequential(new Dense(1, "sigmoid", inputShape: 1));
        model.Compile(new SGD(0.01), "binary_crossentropy");
        using (no_grad())
        {
            ((Dense)model.Layers[0]).Kernel.Value.fill_(60f);
            ((Dense)model.Layers[0]).Bias!.Value.zero_();
        }
        var history = model.Fit(new float[,] { { 1 }, { -1 } }, new float[] { 0, 1 }, epochs: 2, batchSize: 2, shuffle: false, verbose: 0);
        Assert.Equal(60.0, history["loss"][0], 3); // log(1 + e^60) ≈ 60 for each sample
        Assert.True(history["loss"][1] < history["loss"][0]);
    }
}
