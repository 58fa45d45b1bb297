using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Training;

/// <summary>Fit's inputs and History: validation by split and by data, batch sources, .NET arrays, class weights.</summary>
public class FitTests
{
    static Sequential Classifier(int seed)
    {
        Backend.SetRandomSeed(seed);
        var model = new Sequential(new Dense(8, "relu", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        return model;
    }

    [Fact]
    public void HistoryHasLossMetricsAndValidationKeysWithValidationSplit()
    {
        var (x, y) = TestData.TwoMoons(50, 0.1, seed: 12);
        var history = Classifier(43).Fit(x, y, epochs: 3, batchSize: 10, validationSplit: 0.2, verbose: 0);
        Assert.Equal(new[] { "accuracy", "loss", "val_accuracy", "val_loss" }, history.Keys.Order());
        Assert.Equal(new[] { 0, 1, 2 }, history.Epochs);
        Assert.All(history.Values.Values, v => Assert.Equal(3, v.Count));
        Assert.All(history["val_accuracy"], v => Assert.InRange(v, 0, 1));
        Assert.True(history.Contains("val_loss"));
        var e = Assert.Throws<KeyNotFoundException>(() => history["val_auc"]);
        Assert.Contains("val_auc", e.Message);
    }

    [Fact]
    public void HistoryHasValidationKeysWithValidationData()
    {
        var (x, y) = TestData.TwoMoons(40, 0.1, seed: 13);
        var (vx, vy) = TestData.TwoMoons(20, 0.1, seed: 14);
        var model = Classifier(44);
        var history = model.Fit(x, y, epochs: 2, batchSize: 10, validationData: (vx, vy), verbose: 0);
        Assert.Equal(new[] { "accuracy", "loss", "val_accuracy", "val_loss" }, history.Keys.Order());
        // the last epoch's validation values are Evaluate on the validation data with the final weights
        var scores = model.Evaluate(vx, vy, verbose: 0);
        Assert.Equal(scores["loss"], history["val_loss"][^1], 6);
        Assert.Equal(scores["accuracy"], history["val_accuracy"][^1], 10);
    }

    [Fact]
    public void WithoutValidationThereAreNoValidationKeys()
    {
        var (x, y) = TestData.TwoMoons(20, 0.1, seed: 15);
        var history = Classifier(45).Fit(x, y, epochs: 1, verbose: 0);
        Assert.Equal(new[] { "accuracy", "loss" }, history.Keys.Order());
    }

    [Fact]
    public void ValidationSplitHoldsOutTheLastFraction()
    {
        // Targets differ strongly between the first 80% and the last 20%; with a vanishing learning rate the model is
        // effectively fixed, so val_loss must equal the loss on the last 20% and loss the loss on the first 80%.
        Backend.SetRandomSeed(46);
        var r = new Random(16);
        int n = 50, split = 40;
        var x = new float[n, 3];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++) x[i, j] = (float)TestData.Gaussian(r);
            y[i] = i < split ? 0 : 10;
        }
        var model = new Sequential(new Dense(1, inputShape: 3));
        model.Compile(new SGD(1e-12), "mse");
        var first = model.Evaluate(TestData.Rows(x, 0, split), y[..split], verbose: 0)["loss"];
        var last = model.Evaluate(TestData.Rows(x, split, n - split), y[split..], verbose: 0)["loss"];
        Assert.True(last > first + 10); // the two parts are distinguishable

        var history = model.Fit(x, y, epochs: 1, batchSize: 8, validationSplit: 0.2, verbose: 0);
        Assert.Equal(last, history["val_loss"][0], last * 1e-5);
        Assert.Equal(first, history["loss"][0], first * 1e-5);
    }

    [Fact]
    public void ValidationSplitThatLeavesNothingIsRejected()
    {
        var (x, y) = TestData.TwoMoons(4, 0.1, seed: 17);
        var e = Assert.Throws<ArgumentException>(() => Classifier(47).Fit(x, y, validationSplit: 0.9, verbose: 0));
        Assert.Contains("Received: validationSplit=0.9", e.Message);
        Assert.Contains("4 samples", e.Message);
        var f = Assert.Throws<ArgumentException>(() => Classifier(47).Fit(x, y, validationSplit: 1.0, verbose: 0));
        Assert.Contains("Received: validationSplit=1", f.Message);
    }

    /// <summary>A tiny batch source: XOR-like data, two batches per epoch, recording the epochs it was asked for.</summary>
    sealed class TinySource : IBatchSource
    {
        readonly (float[,] X, float[] Y) _data = TestData.TwoMoons(32, 0.1, seed: 18);
        public List<int> EpochsRequested { get; } = new();
        public int BatchesPerEpoch => 2;
        public IEnumerable<Batch> GetBatches(int epoch)
        {
            EpochsRequested.Add(epoch);
            for (int b = 0; b < 2; b++)
            {
                var x = tensor(TestData.Rows(_data.X, b * 16, 16).Cast<float>().ToArray(), new long[] { 16, 2 });
                var y = tensor(_data.Y[(b * 16)..(b * 16 + 16)]);
                yield return new Batch(x, y);
            }
        }
    }

    [Fact]
    public void FitsOnABatchSource()
    {
        var model = Classifier(48);
        var source = new TinySource();
        var validation = new TinySource();
        var history = model.Fit(source, epochs: 3, validationData: validation, verbose: 0);
        Assert.Equal(new[] { 0, 1, 2 }, source.EpochsRequested);
        Assert.Equal(3, validation.EpochsRequested.Count);
        Assert.Equal(new[] { "accuracy", "loss", "val_accuracy", "val_loss" }, history.Keys.Order());
        Assert.True(history["loss"][^1] < history["loss"][0]);
        var scores = model.Evaluate(new TinySource(), verbose: 0);
        Assert.Equal(history["val_loss"][^1], scores["loss"], 6);
        using var p = model.Predict(new TinySource());
        Assert.Equal(new long[] { 32, 1 }, p.shape);
    }

    [Fact]
    public void FitsOnPlainArrays()
    {
        Backend.SetRandomSeed(49);
        // float[,] features with int[] labels
        var (x, yFloat) = TestData.TwoMoons(40, 0.1, seed: 19);
        var labels = yFloat.Select(v => (int)v).ToArray();
        var mlp = new Sequential(new Dense(8, "relu", inputShape: 2), new Dense(2, "softmax"));
        mlp.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var h1 = mlp.Fit(x, labels, epochs: 2, batchSize: 8, validationData: (x, labels), verbose: 0);
        Assert.Equal(2, h1["val_accuracy"].Count);

        // float[,,,] images with float[] targets
        var (images, bars) = TestData.Bars(12, seed: 22, size: 8);
        var cnn = new Sequential(new Conv2D(2, 3, activation: "relu", inputShape: (8, 8, 1)), new Flatten(), new Dense(1, "sigmoid"));
        cnn.Compile("adam", "binary_crossentropy", ["accuracy"]);
        var h2 = cnn.Fit(images, bars, epochs: 1, batchSize: 4, verbose: 0);
        Assert.Single(h2["loss"]);
        using var p = cnn.Predict(images);
        Assert.Equal(new long[] { 12, 1 }, p.shape);

        // double[][] jagged rows and double[] targets
        var jagged = Enumerable.Range(0, 6).Select(i => new double[] { i, -i }).ToArray();
        var reg = new Sequential(new Dense(1, inputShape: 2));
        reg.Compile("sgd", "mse");
        var h3 = reg.Fit(jagged, new double[] { 0, 1, 2, 3, 4, 5 }, epochs: 1, verbose: 0);
        Assert.True(double.IsFinite(h3["loss"][0]));
    }

    [Fact]
    public void ClassWeightScalesEachSamplesLoss()
    {
        // With batch = all data and a vanishing learning rate, the reported loss is the weighted loss at the
        // initial weights: Σ w(yᵢ)·BCE(yᵢ, pᵢ) / N.
        var (x, y) = TestData.TwoMoons(20, 0.2, seed: 23);
        var model = Classifier(50);
        model.Compile(new SGD(1e-12), "binary_crossentropy");
        var p = TestData.Values(model.Predict(x));
        double Bce(int i) => -(y[i] * Math.Log(p[i]) + (1 - y[i]) * Math.Log(1 - p[i]));
        var weights = new Dictionary<int, double> { [0] = 0.5, [1] = 3.0 };

        double plain = model.Fit(x, y, epochs: 1, batchSize: 20, verbose: 0)["loss"][0];
        double weighted = model.Fit(x, y, epochs: 1, batchSize: 20, classWeight: weights, verbose: 0)["loss"][0];

        Assert.Equal(Enumerable.Range(0, 20).Average(Bce), plain, 5);
        Assert.Equal(Enumerable.Range(0, 20).Average(i => weights[(int)y[i]] * Bce(i)), weighted, 5);
        Assert.NotEqual(plain, weighted, 3);
    }

    [Fact]
    public void ClassWeightWorksWithSparseAndOneHotLabels()
    {
        Backend.SetRandomSeed(51);
        var x = new float[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } };
        var labels = new[] { 0, 2, 1 };
        var model = new Sequential(new Dense(3, "softmax", inputShape: 2));
        model.Compile(new SGD(1e-12), "sparse_categorical_crossentropy");
        var p = TestData.Values(model.Predict(x));
        var weights = new Dictionary<int, double> { [2] = 4.0 };
        double expected = Enumerable.Range(0, 3).Average(i => (labels[i] == 2 ? 4.0 : 1.0) * -Math.Log(p[i * 3 + labels[i]]));
        Assert.Equal(expected, model.Fit(x, labels, epochs: 1, batchSize: 3, classWeight: weights, verbose: 0)["loss"][0], 5);

        var oneHot = new float[,] { { 1, 0, 0 }, { 0, 0, 1 }, { 0, 1, 0 } };
        model.Compile(new SGD(1e-12), "categorical_crossentropy");
        Assert.Equal(expected, model.Fit(x, oneHot, epochs: 1, batchSize: 3, classWeight: weights, verbose: 0)["loss"][0], 5);
    }

    [Fact]
    public void SampleWeightIsApplied()
    {
        Backend.SetRandomSeed(52);
        var x = new float[,] { { 1 }, { 2 }, { 3 } };
        var y = new float[] { 0, 0, 0 };
        var model = new Sequential(new Dense(1, inputShape: 1, biasInitializer: "ones"));
        model.Compile(new SGD(1e-12), "mse");
        var outputs = TestData.Values(model.Predict(x));
        var w = new float[] { 1, 0, 2 };
        double expected = Enumerable.Range(0, 3).Sum(i => w[i] * outputs[i] * outputs[i]) / 3;
        var history = model.Fit(x, y, epochs: 1, batchSize: 3, sampleWeight: w, verbose: 0);
        Assert.Equal(expected, history["loss"][0], 5);
    }

    [Fact]
    public void InitialEpochResumesTheEpochCount()
    {
        var (x, y) = TestData.TwoMoons(20, 0.1, seed: 24);
        var history = Classifier(53).Fit(x, y, epochs: 5, initialEpoch: 3, verbose: 0);
        Assert.Equal(new[] { 3, 4 }, history.Epochs);
        var e = Assert.Throws<ArgumentException>(() => Classifier(53).Fit(x, y, epochs: 2, initialEpoch: 2, verbose: 0));
        Assert.Contains("Received: initialEpoch=2", e.Message);
    }

    [Fact]
    public void VerboseZeroPrintsNothingAndVerboseTwoPrintsOneLinePerEpoch()
    {
        var (x, y) = TestData.TwoMoons(20, 0.1, seed: 25);
        var original = Console.Out;
        var quiet = new StringWriter();
        var loud = new StringWriter();
        try
        {
            Console.SetOut(quiet);
            Classifier(54).Fit(x, y, epochs: 2, batchSize: 10, verbose: 0);
            Console.SetOut(loud);
            Classifier(54).Fit(x, y, epochs: 2, batchSize: 10, validationSplit: 0.5, verbose: 2);
        }
        finally { Console.SetOut(original); }
        Assert.Equal("", quiet.ToString());
        var lines = loud.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Equal("Epoch 2/2", lines[2]);
        Assert.Matches(@"^1/1 ━{20} \d+s \d+(ms|s|us)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$", lines[1]);
        Assert.False(loud.ToString().Contains('\u001b'), "no colour codes when not live");
    }
}
