using System.Text.Json;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Cli;

/// <summary>The outputs of one successful <c>deepen train</c> run.</summary>
public sealed class TrainedRun
{
    public TrainedRun(string train, string output, CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"the fixture's training run failed: {result}");
        Train = train;
        Out = output;
        Result = result;
        Metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement.Clone();
        ReportJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(ReportDir, "report.json"))).RootElement.Clone();
    }

    public string Train { get; }
    public string Out { get; }
    public CliResult Result { get; }
    public string ModelPath => Path.Combine(Out, "model.deepen");
    public string ReportDir => Path.Combine(Out, "report");
    public JsonElement Metrics { get; }
    public JsonElement ReportJson { get; }
    public string[] ClassNames => Metrics.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()!).ToArray();
}

/// <summary>
/// The training runs shared by the CLI tests, made once per test run (a collection fixture, so the train, evaluate,
/// predict and summary tests reuse them):
/// <list type="bullet">
/// <item><see cref="Multi"/>: three classes, 20 training, 5 validation (<c>--val</c>) and 8 test (<c>--test</c>) images
/// each, 3 epochs. The class folders are written in the order zebra, Mango, apple; the pipeline lists them in
/// ordinal order, Mango, apple, zebra (upper case first).</item>
/// <item><see cref="Binary"/>: two classes (cat, dog) of 20 images, <c>--val-split 0.25</c>, 3 epochs: one sigmoid unit.</item>
/// </list>
/// </summary>
public sealed class TrainedModelFixture : IDisposable
{
    /// <summary>The three classes in the pipeline's (ordinal) order; class k has its square in corner k.</summary>
    public static readonly string[] MultiClasses = { "Mango", "apple", "zebra" };
    public static readonly string[] BinaryClasses = { "cat", "dog" };
    public const int TrainPerClass = 20, ValPerClass = 5, TestPerClass = 8, MultiEpochs = 3, BinaryEpochs = 3;

    readonly TempDir _dir = new();

    public TrainedModelFixture()
    {
        string train = Path.Combine(_dir.Path, "multi", "train");
        Val = Path.Combine(_dir.Path, "multi", "val");
        Test = Path.Combine(_dir.Path, "multi", "test");
        foreach (string name in new[] { "zebra", "Mango", "apple" })
        {
            int k = Array.IndexOf(MultiClasses, name);
            for (int i = 0; i < TrainPerClass; i++) ClassImages.Image(Path.Combine(train, name, $"{name}_{i:D2}.png"), k, 1000 + k * 100 + i);
            for (int i = 0; i < ValPerClass; i++) ClassImages.Image(Path.Combine(Val, name, $"v{i:D2}.png"), k, 2000 + k * 100 + i);
            for (int i = 0; i < TestPerClass; i++) ClassImages.Image(Path.Combine(Test, name, $"t{i:D2}.png"), k, 3000 + k * 100 + i);
        }
        string multiOut = Path.Combine(_dir.Path, "multi", "run");
        Multi = new TrainedRun(train, multiOut, DeepenRunner.Run(TrainArgs(train, multiOut, MultiEpochs, "--val", Val, "--test", Test)));

        string binaryTrain = Path.Combine(_dir.Path, "binary", "train");
        ClassImages.Write(binaryTrain, BinaryClasses, TrainPerClass, seed: 4);
        string binaryOut = Path.Combine(_dir.Path, "binary", "run");
        Binary = new TrainedRun(binaryTrain, binaryOut, DeepenRunner.Run(TrainArgs(binaryTrain, binaryOut, BinaryEpochs, "--val-split", "0.25")));
    }

    /// <summary>The arguments of a quick run: small-cnn on 16×16 images, batch 8, seed 1, quiet, then <paramref name="extra"/>.</summary>
    public static string[] TrainArgs(string train, string output, int epochs, params string[] extra) =>
        new[] { "train", "--train", train, "--out", output, "--model", "small-cnn", "--image-size", "16", "--epochs", epochs.ToString(),
                "--batch-size", "8", "--seed", "1", "--quiet" }.Concat(extra).ToArray();

    public TrainedRun Multi { get; }
    public TrainedRun Binary { get; }
    public string Val { get; }
    public string Test { get; }

    /// <summary>A new empty folder under the fixture's temporary folder.</summary>
    public string NewFolder(string name)
    {
        string path = Path.Combine(_dir.Path, "scratch", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A model file that is not a zip archive at all.</summary>
    public string GarbageModel()
    {
        string path = Path.Combine(NewFolder("garbage-model"), "model.deepen");
        File.WriteAllText(path, "this is not a model\n");
        return path;
    }

    /// <summary>The first half of the three-class model file.</summary>
    public string TruncatedModel()
    {
        var bytes = File.ReadAllBytes(Multi.ModelPath);
        string path = Path.Combine(NewFolder("truncated-model"), "model.deepen");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "deepen CLI";
}
