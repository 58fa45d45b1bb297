using System.Text.Json;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Cli;

/// <summary>Tiny text class folders where a keyword decides the class, and the runs the text CLI tests share.</summary>
public sealed class TextRunFixture : IDisposable
{
    public static readonly string[] Filler = { "meeting", "lunch", "report", "today", "team", "notes", "call", "plan", "see", "you" };
    public static readonly Dictionary<string, string[]> Keywords = new()
    {
        ["ham"] = new[] { "agenda", "minutes", "review" },
        ["spam"] = new[] { "free", "winner", "prize" },
        ["news"] = new[] { "election", "weather", "match" },
    };

    readonly TempDir _dir = new();

    /// <summary>Writes <paramref name="perClass"/> texts per class: filler words plus one keyword of the class.</summary>
    public static void Write(string root, IEnumerable<string> classes, int perClass, int seed)
    {
        var rng = new Random(seed);
        foreach (var c in classes)
        {
            Directory.CreateDirectory(Path.Combine(root, c));
            for (int i = 0; i < perClass; i++)
            {
                var words = Enumerable.Range(0, 6).Select(_ => Filler[rng.Next(Filler.Length)]).ToList();
                words.Insert(rng.Next(words.Count), Keywords[c][rng.Next(3)]);
                File.WriteAllText(Path.Combine(root, c, $"{c}_{i:D2}.txt"), string.Join(' ', words) + ".");
            }
        }
    }

    public TextRunFixture()
    {
        BinaryTrain = Path.Combine(_dir.Path, "binary", "train");
        BinaryTest = Path.Combine(_dir.Path, "binary", "test");
        Write(BinaryTrain, new[] { "spam", "ham" }, 60, 1);
        Write(BinaryTest, new[] { "spam", "ham" }, 8, 2);
        File.WriteAllBytes(Path.Combine(BinaryTrain, "ham", "latin1.txt"), new byte[] { 0x63, 0x61, 0x66, 0xE9 });
        BinaryOut = Path.Combine(_dir.Path, "binary", "run");
        Binary = DeepenRunner.Run("train", "--text", "--model", "text-bow", "--train", BinaryTrain, "--val-split", "0.25", "--test", BinaryTest,
            "--out", BinaryOut, "--epochs", "10", "--batch-size", "8", "--lr", "0.01", "--seed", "1", "--quiet");

        MultiTrain = Path.Combine(_dir.Path, "multi", "train");
        MultiVal = Path.Combine(_dir.Path, "multi", "val");
        Write(MultiTrain, new[] { "spam", "ham", "news" }, 12, 3);
        Write(MultiVal, new[] { "spam", "ham", "news" }, 4, 4);
        MultiOut = Path.Combine(_dir.Path, "multi", "run");
        Multi = DeepenRunner.Run("train", "--text", "--train", MultiTrain, "--val", MultiVal, "--out", MultiOut,
            "--epochs", "2", "--batch-size", "8", "--sequence-length", "10", "--max-tokens", "40", "--seed", "1", "--quiet");
    }

    public string BinaryTrain { get; }
    public string BinaryTest { get; }
    public string BinaryOut { get; }
    public CliResult Binary { get; }
    public string MultiTrain { get; }
    public string MultiVal { get; }
    public string MultiOut { get; }
    public CliResult Multi { get; }

    public string NewFolder(string name)
    {
        string path = Path.Combine(_dir.Path, "scratch", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary><c>deepen train --text</c> and <c>deepen predict</c> on text models, end to end, and their bad arguments.</summary>
public class TextCommandTests : IClassFixture<TextRunFixture>
{
    readonly TextRunFixture _f;

    public TextCommandTests(TextRunFixture fixture) => _f = fixture;

    static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();

    [Fact]
    public void TrainTextWritesTheSameOutputsAsImageTrainingWithATextReport()
    {
        Assert.True(_f.Binary.ExitCode == 0, _f.Binary.ToString());
        Assert.Equal($"Report: {Path.GetFullPath(Path.Combine(_f.BinaryOut, "report", "index.html"))}", _f.Binary.Out.Trim());
        var expected = new[] { "audit.json", "history.csv", "metrics.json", "model.deepen",
            Path.Combine("report", "confusion_matrix.png"), Path.Combine("report", "curves.png"), Path.Combine("report", "index.html"), Path.Combine("report", "report.json") };
        Assert.Equal(expected.Order(StringComparer.Ordinal), CliFiles.Tree(_f.BinaryOut));
        var history = File.ReadAllLines(Path.Combine(_f.BinaryOut, "history.csv"));
        Assert.Equal("epoch,accuracy,loss,val_accuracy,val_loss", history[0]);
        Assert.Equal(11, history.Length);
    }

    [Fact]
    public void TheBagOfWordsModelLearnsTheKeywordsAndTheMetricsAgreeWithTheReport()
    {
        var metrics = ReadJson(Path.Combine(_f.BinaryOut, "metrics.json"));
        Assert.Equal("text", metrics.GetProperty("kind").GetString());
        Assert.Equal(new[] { "ham", "spam" }, metrics.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(90, metrics.GetProperty("train_samples").GetInt32());       // 120 usable texts, 25% held out
        Assert.Equal(30, metrics.GetProperty("validation_samples").GetInt32());
        Assert.Equal(16, metrics.GetProperty("test_samples").GetInt32());
        Assert.Equal(1, metrics.GetProperty("skipped_files").GetInt32());
        double testAccuracy = metrics.GetProperty("test").GetProperty("accuracy").GetDouble();
        Assert.True(testAccuracy >= 0.9, $"test accuracy {testAccuracy}\n" + File.ReadAllText(Path.Combine(_f.BinaryOut, "history.csv")) + File.ReadAllText(Path.Combine(_f.BinaryOut, "report", "report.json")));
        var report = ReadJson(Path.Combine(_f.BinaryOut, "report", "report.json"));
        Assert.Equal("text", report.GetProperty("kind").GetString());
        Assert.Equal(16, report.GetProperty("count").GetInt32());
        Assert.Equal(testAccuracy, report.GetProperty("accuracy").GetDouble(), 5);
        var matrix = report.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Sum(v => v.GetInt64())).ToArray();
        Assert.Equal(new long[] { 8, 8 }, matrix);
        var top = report.GetProperty("top_losses").EnumerateArray().First();
        string snippet = top.GetProperty("snippet").GetString()!;
        Assert.Contains(snippet, File.ReadAllText(Path.Combine(_f.BinaryTest, top.GetProperty("true_name").GetString()!, top.GetProperty("name").GetString()!)));
        var audit = ReadJson(Path.Combine(_f.BinaryOut, "audit.json"));
        Assert.StartsWith("not valid UTF-8", audit.GetProperty("skipped")[0].GetProperty("reason").GetString());
        string html = File.ReadAllText(Path.Combine(_f.BinaryOut, "report", "index.html"));
        Assert.Contains("Top losses", html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(snippet), html);
        Assert.DoesNotContain("predictions.png", html);
    }

    [Fact]
    public void TheSavedModelTakesRawStringsAndKeepsItsVocabulary()
    {
        using var model = Model.Load(Path.Combine(_f.BinaryOut, "model.deepen"));
        var v = Assert.IsType<TextVectorization>(model.Layers[0]);
        Assert.Equal("tf_idf", v.OutputMode);
        Assert.Contains("winner", v.GetVocabulary());
        Assert.Equal(2, v.Ngrams);
        Assert.Equal(new[] { "ham", "spam" }, model.ClassNames);
        using var p = model.Predict(new[] { "meeting today winner prize free", "agenda for the team meeting minutes review" });
        var values = p.data<float>().ToArray();
        Assert.True(values[0] > 0.5 && values[1] < 0.5, string.Join(", ", values));
    }

    [Fact]
    public void TheDefaultTextModelIsAnLstmOverTokenIds()
    {
        Assert.True(_f.Multi.ExitCode == 0, _f.Multi.ToString());
        using var model = Model.Load(Path.Combine(_f.MultiOut, "model.deepen"));
        Assert.Equal(new[] { "TextVectorization", "Embedding", "LSTM", "Dense" }, model.Layers.Select(l => l.ClassName));
        var v = (TextVectorization)model.Layers[0];
        Assert.Equal(10, v.OutputSequenceLength);
        Assert.True(v.VocabularySize() <= 40);
        Assert.Equal(3, model.OutputShape![-1]);
        Assert.Equal(new[] { "ham", "news", "spam" }, model.ClassNames);
        var metrics = ReadJson(Path.Combine(_f.MultiOut, "metrics.json"));
        Assert.Equal(12, metrics.GetProperty("validation_samples").GetInt32());
        Assert.Equal("text-lstm", metrics.GetProperty("model").GetString());
    }

    [Fact]
    public void TheTransformerPresetTrainsAndRoundTrips()
    {
        string output = Path.Combine(_f.NewFolder("transformer"), "out");
        DeepenRunner.Expect(0, "train", "--text", "--model", "text-transformer", "--train", _f.MultiTrain, "--out", output,
            "--epochs", "1", "--batch-size", "8", "--sequence-length", "10", "--max-tokens", "40", "--seed", "1", "--quiet");
        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        Assert.Equal(new[] { "TextVectorization", "TokenAndPositionEmbedding", "TransformerEncoder", "GlobalAveragePooling1D", "Dropout", "Dense" },
            model.Layers.Select(l => l.ClassName));
        using var p = model.Predict(new[] { "free prize", "weather today" });
        Assert.Equal(new long[] { 2, 3 }, p.shape);
        Assert.All(p.sum(1).data<float>().ToArray(), s => Assert.Equal(1f, s, 4));
    }

    [Fact]
    public void EvaluateOnTextFoldersMatchesTheTrainingRunsTestScoresAndCountsEveryText()
    {
        string reportDir = Path.Combine(_f.NewFolder("evaluate"), "report");
        var r = DeepenRunner.Expect(0, "evaluate", "--model", Path.Combine(_f.BinaryOut, "model.deepen"), "--data", _f.BinaryTest,
            "--json", "--report", reportDir);
        var json = r.Json();
        int samples = json.GetProperty("samples").GetInt32();
        Assert.Equal(Directory.EnumerateFiles(_f.BinaryTest, "*.txt", SearchOption.AllDirectories).Count(), samples);
        var matrix = json.GetProperty("confusion_matrix").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        Assert.Equal(2, matrix.Length);
        Assert.Equal(samples, matrix.Sum(row => row.Sum()));
        Assert.Equal(new[] { "ham", "spam" }, json.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
        // the training run evaluated the same model on the same folder
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_f.BinaryOut, "metrics.json"))).RootElement;
        double trained = metrics.GetProperty("test").GetProperty("accuracy").GetDouble();
        Assert.Equal(trained, json.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 5);
        double diagonal = (matrix[0][0] + matrix[1][1]) / (double)samples;
        Assert.Equal(diagonal, json.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 5);
        Assert.True(File.Exists(Path.Combine(reportDir, "index.html")));

        var plain = DeepenRunner.Expect(0, "evaluate", "--model", Path.Combine(_f.BinaryOut, "model.deepen"), "--data", _f.BinaryTest, "--no-report");
        Assert.Contains("Confusion matrix", plain.Out);
    }

    [Fact]
    public void EvaluateATextModelOnAFolderWithoutTextsExitsFour()
    {
        string empty = _f.NewFolder("evaluate-empty");
        Directory.CreateDirectory(Path.Combine(empty, "ham"));
        Directory.CreateDirectory(Path.Combine(empty, "spam"));
        var r = DeepenRunner.Run("evaluate", "--model", Path.Combine(_f.BinaryOut, "model.deepen"), "--data", empty, "--no-report");
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("--data", r.Err);
    }

    [Fact]
    public void PredictClassifiesTextFilesAndFolders()
    {
        string dir = _f.NewFolder("predict");
        File.WriteAllText(Path.Combine(dir, "a.txt"), "free prize for the winner today");
        Directory.CreateDirectory(Path.Combine(dir, "inbox"));
        File.WriteAllText(Path.Combine(dir, "inbox", "b.txt"), "minutes of the meeting and the agenda review");
        File.WriteAllText(Path.Combine(dir, "inbox", "c.md"), "not a .txt file, so folders skip it");
        var r = DeepenRunner.Expect(0, "predict", "--model", Path.Combine(_f.BinaryOut, "model.deepen"), Path.Combine(dir, "a.txt"), Path.Combine(dir, "inbox"), "--json", "--top-k", "2");
        var predictions = r.Json().GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(2, predictions.Length);
        Assert.Equal(Path.Combine(dir, "a.txt"), predictions[0].GetProperty("path").GetString());
        Assert.Equal("spam", predictions[0].GetProperty("class").GetString());
        Assert.Equal("ham", predictions[1].GetProperty("class").GetString());
        var top = predictions[0].GetProperty("top_k").EnumerateArray().ToArray();
        Assert.Equal(2, top.Length);
        Assert.Equal(1.0, top.Sum(t => t.GetProperty("probability").GetDouble()), 4);
        Assert.Equal(predictions[0].GetProperty("probability").GetDouble(), top[0].GetProperty("probability").GetDouble());

        var plain = DeepenRunner.Expect(0, "predict", "--model", Path.Combine(_f.BinaryOut, "model.deepen"), Path.Combine(dir, "a.txt"));
        Assert.Contains("a.txt: spam (", plain.Out);
    }

    [Fact]
    public void PredictReportsUnusableTextFilesAndFailsWhenNoneCanBeUsed()
    {
        string dir = _f.NewFolder("predict-bad");
        File.WriteAllText(Path.Combine(dir, "good.txt"), "free prize");
        File.WriteAllBytes(Path.Combine(dir, "empty.txt"), Array.Empty<byte>());
        string model = Path.Combine(_f.BinaryOut, "model.deepen");
        var r = DeepenRunner.Expect(0, "predict", "--model", model, dir, "--json");
        var byName = r.Json().GetProperty("predictions").EnumerateArray().ToDictionary(p => Path.GetFileName(p.GetProperty("path").GetString()!));
        Assert.Equal("empty", byName["empty.txt"].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, byName["good.txt"].GetProperty("error").ValueKind);
        var none = DeepenRunner.Expect(4, "predict", "--model", model, Path.Combine(dir, "empty.txt"));
        Assert.Contains("could be used", none.Err);
        string emptyFolder = _f.NewFolder("no-texts");
        DeepenRunner.ExpectError(4, new[] { "predict", "--model", model, emptyFolder }, "No text files");
        DeepenRunner.ExpectError(3, new[] { "predict", "--model", model, Path.Combine(dir, "missing.txt") }, "missing.txt");
    }

    [Theory]
    [InlineData("--max-tokens", "2", "--max-tokens")]
    [InlineData("--sequence-length", "0", "--sequence-length")]
    [InlineData("--model", "seed-cnn", "seed-cnn")]
    [InlineData("--augment", "flip", "--augment")]
    [InlineData("--epochs", "0", "--epochs")]
    [InlineData("--val-split", "1.5", "--val-split")]
    public void BadTextArgumentsExitWithTwoBeforeReadingAnything(string option, string value, string mention)
    {
        string output = Path.Combine(_f.NewFolder("bad"), "out");
        DeepenRunner.ExpectError(2, new[] { "train", "--text", "--train", _f.BinaryTrain, "--out", output, option, value }, mention);
        Assert.False(Directory.Exists(output), "a run with bad arguments must not create its output folder");
    }

    [Fact]
    public void MissingOrUnusableTextFoldersAreReported()
    {
        string scratch = _f.NewFolder("folders");
        DeepenRunner.ExpectError(3, new[] { "train", "--text", "--train", Path.Combine(scratch, "nope"), "--out", Path.Combine(scratch, "o1") }, "nope");
        string oneClass = Path.Combine(scratch, "one");
        TextRunFixture.Write(oneClass, new[] { "spam" }, 3, 5);
        DeepenRunner.ExpectError(4, new[] { "train", "--text", "--train", oneClass, "--out", Path.Combine(scratch, "o2") }, "at least 2");
        string noTexts = Path.Combine(scratch, "empty");
        Directory.CreateDirectory(Path.Combine(noTexts, "a"));
        Directory.CreateDirectory(Path.Combine(noTexts, "b"));
        DeepenRunner.ExpectError(4, new[] { "train", "--text", "--train", noTexts, "--out", Path.Combine(scratch, "o3") }, "--train");
    }
}
