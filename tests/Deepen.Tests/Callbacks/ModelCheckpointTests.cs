using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Callbacks;

public class ModelCheckpointTests
{
    [Fact]
    public void SaveBestOnlyWritesOnlyOnImprovementAndTheFileLoads()
    {
        Backend.SetRandomSeed(24);
        using var dir = new TempDir();
        var (x, y) = TestData.TwoMoons(32, 0.1, seed: 6);
        var model = new Sequential(new Dense(4, "relu", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        var script = new ScriptedLogs("val_loss", 1.0, 2.0, 0.5, 0.7);
        var checkpoint = new ModelCheckpoint(dir.File("ckpt-{epoch:02d}.deepen"), monitor: "val_loss", saveBestOnly: true);
        model.Fit(x, y, epochs: 4, batchSize: 16, callbacks: [script, checkpoint], verbose: 0);

        Assert.Equal(new[] { "ckpt-01.deepen", "ckpt-03.deepen" },
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order().ToArray());
        Assert.Equal(dir.File("ckpt-03.deepen"), checkpoint.LastSaved);
        using var loaded = Model.Load(dir.File("ckpt-03.deepen"));
        Assert.True(TestData.SameWeights(script.WeightsAtEpochEnd[2], loaded.GetWeights()));
    }

    [Fact]
    public void OneFileKeepsTheBestEpoch()
    {
        Backend.SetRandomSeed(25);
        using var dir = new TempDir();
        var (x, y) = TestData.TwoMoons(32, 0.1, seed: 7);
        var model = new Sequential(new Dense(4, "relu", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        var script = new ScriptedLogs("val_accuracy", 0.6, 0.8, 0.7, 0.75);
        var checkpoint = new ModelCheckpoint(dir.File("best.deepen"), monitor: "val_accuracy", saveBestOnly: true);
        model.Fit(x, y, epochs: 4, batchSize: 16, callbacks: [script, checkpoint], verbose: 0);
        using var loaded = Model.Load(dir.File("best.deepen"));
        Assert.True(TestData.SameWeights(script.WeightsAtEpochEnd[1], loaded.GetWeights())); // maximized in auto mode
    }

    [Fact]
    public void WithoutSaveBestOnlyEveryEpochIsWritten()
    {
        Backend.SetRandomSeed(26);
        using var dir = new TempDir();
        var model = new Sequential(new Dense(1, inputShape: 1));
        model.Compile("sgd", "mse");
        model.Fit(new float[,] { { 1 }, { 2 } }, new float[] { 1, 2 }, epochs: 3, callbacks: [new ModelCheckpoint(dir.File("e{epoch}.deepen"))], verbose: 0);
        Assert.Equal(new[] { "e1.deepen", "e2.deepen", "e3.deepen" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public void FilepathPlaceholdersAreFormattedAsKeras()
    {
        var logs = new Dictionary<string, double> { ["val_loss"] = 0.12345, ["accuracy"] = 0.98765, ["loss"] = 1.5 };
        Assert.Equal("model-03-0.12.deepen", ModelCheckpoint.Format("model-{epoch:02d}-{val_loss:.2f}.deepen", 3, logs));
        Assert.Equal("e007_acc0.988", ModelCheckpoint.Format("e{epoch:03d}_acc{accuracy:.3f}", 7, logs));
        Assert.Equal("e12", ModelCheckpoint.Format("e{epoch:02d}", 12, logs));
        Assert.Equal("e5-l1.5", ModelCheckpoint.Format("e{epoch}-l{loss}", 5, logs));
        Assert.Equal("plain.deepen", ModelCheckpoint.Format("plain.deepen", 1, logs));
    }
}
