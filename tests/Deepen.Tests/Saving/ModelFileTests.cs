using System.IO.Compression;
using System.Text.Json.Nodes;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Saving;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Saving;

public class ModelFileTests
{
    static Sequential Cnn() => new(
        new Conv2D(4, 3, activation: "relu", inputShape: (8, 8, 1)),
        new BatchNormalization(),
        new MaxPooling2D(2),
        new Dropout(0.25),
        new Flatten(),
        new Dense(6, "relu"),
        new Dropout(0.5),
        new Dense(3, "softmax"));

    static (float[,,,] X, int[] Y) Images(int n, int seed)
    {
        var r = new Random(seed);
        var x = new float[n, 8, 8, 1];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = r.Next(3);
            for (int a = 0; a < 8; a++)
                for (int b = 0; b < 8; b++) x[i, a, b, 0] = (float)(r.NextDouble() + (a / 3 == y[i] ? 1 : 0));
        }
        return (x, y);
    }

    [Fact]
    public void SaveThenLoadPredictsBitIdentically()
    {
        Backend.SetRandomSeed(35);
        using var dir = new TempDir();
        var (x, y) = Images(48, seed: 1);
        var model = Cnn();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0);
        // training moved BatchNormalization's moving statistics away from their initial values
        Assert.NotEqual(0f, TestData.Values(model.Layers[1].Weights.Single(w => w.Name == "moving_mean").Value).Max(Math.Abs));

        string path = dir.File("cnn.deepen");
        model.Save(path);
        using var loaded = Model.Load(path);

        using var tx = ArrayConverterTensor(x);
        using var expected = model.Predict(tx);
        using var actual = loaded.Predict(tx);
        Assert.True(TestData.BitEqual(expected, actual));
        Assert.True(TestData.SameWeights(model.GetWeights(), loaded.GetWeights()));
        Assert.Equal(model.Layers.Select(l => (l.Name, l.ClassName, l.OutputShape)), loaded.Layers.Select(l => (l.Name, l.ClassName, l.OutputShape)));
        Assert.Equal(model.Summary(TextWriter.Null), loaded.Summary(TextWriter.Null));
        Assert.True(loaded.IsCompiled);
        Assert.Equal("adam", loaded.Optimizer!.Name);
        Assert.Equal("sparse_categorical_crossentropy", loaded.Loss!.Name);
        Assert.Equal(model.Evaluate(x, y, verbose: 0), loaded.Evaluate(x, y, verbose: 0));
    }

    static Tensor ArrayConverterTensor(Array a) => Deepen.Data.ArrayConverter.ToTensor(a, "x");

    [Fact]
    public void LayerHyperParametersSurviveTheRoundTrip()
    {
        Backend.SetRandomSeed(36);
        using var dir = new TempDir();
        var model = new Sequential(
            new Rescaling(1 / 255.0, offset: 0.5, inputShape: (9, 9, 2)),
            new Conv2D(3, (3, 2), strides: (2, 1), padding: "same", activation: "leaky_relu", useBias: false, name: "c"),
            new AveragePooling2D(2, strides: 1, padding: "same"),
            new BatchNormalization(momentum: 0.9, epsilon: 0.01, center: false),
            new GlobalAveragePooling2D(),
            new Activation("tanh"),
            new Dense(2, "gelu"));
        model.Layers[3].Trainable = false;
        string path = dir.File("m.deepen");
        model.Save(path);
        using var loaded = Model.Load(path);
        Assert.Equal(model.GetConfig().Json.ToJsonString(), loaded.GetConfig().Json.ToJsonString());
        Assert.False(loaded.Layers[3].Trainable);
        Assert.Equal(model.TrainableWeights.Sum(w => w.Count), loaded.TrainableWeights.Sum(w => w.Count));
        using var x = rand(2, 9, 9, 2) * 255;
        Assert.True(TestData.BitEqual(model.Predict(x), loaded.Predict(x)));
        Assert.False(loaded.IsCompiled); // it was never compiled
    }

    static (Tensor X, Tensor Y) Regression() => TestData.LinearRegression(40, seed: 6);

    static Sequential Mlp()
    {
        var model = new Sequential(new Dense(6, "relu", inputShape: 4), new Dense(1));
        model.Compile(new Adam(0.01), "mse");
        return model;
    }

    [Fact]
    public void OptimizerStateRoundTripContinuesTrainingIdentically()
    {
        using var dir = new TempDir();
        var (x, y) = Regression();
        Backend.SetRandomSeed(37);
        var model = Mlp();
        model.Fit(x, y, epochs: 3, batchSize: 8, shuffle: false, verbose: 0);
        string path = dir.File("mid.deepen");
        model.Save(path);
        using var resumed = Model.Load(path);
        using var fresh = Model.Load(path, compile: false);
        fresh.Compile(new Adam(0.01), "mse"); // same weights, but Adam's moments start over

        model.Fit(x, y, epochs: 2, batchSize: 8, shuffle: false, verbose: 0);
        resumed.Fit(x, y, epochs: 2, batchSize: 8, shuffle: false, verbose: 0);
        fresh.Fit(x, y, epochs: 2, batchSize: 8, shuffle: false, verbose: 0);

        Assert.True(TestData.SameWeights(model.GetWeights(), resumed.GetWeights()), "resuming from the file must match uninterrupted training");
        Assert.False(TestData.SameWeights(model.GetWeights(), fresh.GetWeights()), "without the optimizer state training should differ");
    }

    [Fact]
    public void SavingWithoutTheOptimizerLeavesNoOptimizerEntry()
    {
        using var dir = new TempDir();
        var (x, y) = Regression();
        Backend.SetRandomSeed(38);
        var model = Mlp();
        model.Fit(x, y, epochs: 1, verbose: 0);
        model.Save(dir.File("with.deepen"));
        model.Save(dir.File("without.deepen"), includeOptimizer: false);
        using (var with = ZipFile.OpenRead(dir.File("with.deepen")))
            Assert.Equal(new[] { "config.json", "metadata.json", "model.safetensors", "optimizer.bin" }, with.Entries.Select(e => e.FullName).Order());
        using (var without = ZipFile.OpenRead(dir.File("without.deepen")))
            Assert.Equal(new[] { "config.json", "metadata.json", "model.safetensors" }, without.Entries.Select(e => e.FullName).Order());
        using var loaded = Model.Load(dir.File("without.deepen"));
        Assert.True(loaded.IsCompiled);
        Assert.False(loaded.Optimizer!.IsBound);
    }

    [Fact]
    public void AtomicWriteLeavesNoTemporaryFilesAndReplacesTheOldFile()
    {
        using var dir = new TempDir();
        Backend.SetRandomSeed(39);
        var a = new Sequential(new Dense(2, inputShape: 3));
        var b = new Sequential(new Dense(2, inputShape: 3));
        string path = dir.File("sub/model.deepen");
        a.Save(path);
        b.Save(path);
        Assert.Equal(new[] { "model.deepen" }, Directory.GetFiles(dir.File("sub")).Select(Path.GetFileName));
        using var loaded = Model.Load(path);
        Assert.True(TestData.SameWeights(b.GetWeights(), loaded.GetWeights()));
    }

    [Fact]
    public void FailedSaveLeavesTheOldFileAndNoTemporaryFiles()
    {
        using var dir = new TempDir();
        Backend.SetRandomSeed(40);
        var model = new Sequential(new Dense(2, inputShape: 3));
        string path = dir.File("model.deepen");
        model.Save(path);
        byte[] before = File.ReadAllBytes(path);
        var unbuilt = new Sequential(new Dense(2));
        var e = Assert.Throws<InvalidOperationException>(() => unbuilt.Save(path));
        Assert.Contains("not built", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void TheFileHoldsSafetensorsWeightsAndChecksums()
    {
        using var dir = new TempDir();
        Backend.SetRandomSeed(41);
        var model = new Sequential(new Dense(2, inputShape: 3, name: "d"));
        string path = dir.File("m.deepen");
        model.Save(path);
        using var zip = ZipFile.OpenRead(path);
        using var ms = new MemoryStream();
        using (var s = zip.GetEntry("model.safetensors")!.Open()) s.CopyTo(ms);
        var weights = SafeTensors.Read(ms.ToArray());
        Assert.Equal(new[] { "d/bias", "d/kernel" }, weights.Keys.Order());
        Assert.True(TestData.BitEqual(((Dense)model.Layers[0]).Kernel.Value.detach(), weights["d/kernel"]));
        using var meta = zip.GetEntry("metadata.json")!.Open();
        var metadata = JsonNode.Parse(meta)!.AsObject();
        Assert.Equal(ModelFile.FormatVersion, metadata["format_version"]!.GetValue<int>());
        Assert.Equal(64, metadata["sha256"]!["model.safetensors"]!.GetValue<string>().Length);
    }
}
