using System.Text.Json;

namespace Deepen.Tests.Cli;

/// <summary><c>deepen evaluate</c> on the fixture's saved models: JSON and text output, the report, and bad arguments.</summary>
[Collection(CliCollection.Name)]
public class EvaluateCommandTests
{
    readonly TrainedModelFixture _f;

    public EvaluateCommandTests(TrainedModelFixture fixture) => _f = fixture;

    CliResult EvaluateJson(string model, string data) =>
        DeepenRunner.Expect(0, "evaluate", "--model", model, "--data", data, "--json", "--no-report");

    static long[][] Matrix(JsonElement json) =>
        json.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();

    /// <summary>Checks that the per-class figures, accuracy and sample count follow from the confusion matrix.</summary>
    static void AssertConsistent(JsonElement json, string[] classNames, int samples)
    {
        Assert.Equal(classNames, json.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(samples, json.GetProperty("samples").GetInt32());
        var m = Matrix(json);
        Assert.Equal(classNames.Length, m.Length);
        Assert.All(m, row => Assert.Equal(classNames.Length, row.Length));
        Assert.Equal(samples, m.Sum(r => r.Sum()));

        var perClass = json.GetProperty("per_class").EnumerateArray().ToArray();
        Assert.Equal(classNames.Length, perClass.Length);
        for (int c = 0; c < classNames.Length; c++)
        {
            long truePositive = m[c][c], actual = m[c].Sum(), predicted = m.Sum(r => r[c]);
            double precision = predicted == 0 ? 0 : (double)truePositive / predicted;
            double recall = actual == 0 ? 0 : (double)truePositive / actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            Assert.Equal(classNames[c], perClass[c].GetProperty("class").GetString());
            Assert.Equal(precision, perClass[c].GetProperty("precision").GetDouble(), 5);
            Assert.Equal(recall, perClass[c].GetProperty("recall").GetDouble(), 5);
            Assert.Equal(f1, perClass[c].GetProperty("f1").GetDouble(), 5);
            Assert.Equal(actual, perClass[c].GetProperty("support").GetInt64());
        }
        double loss = json.GetProperty("loss").GetDouble();
        Assert.True(loss >= 0 && double.IsFinite(loss), $"loss {loss}");
        double trace = Enumerable.Range(0, m.Length).Sum(i => m[i][i]);
        Assert.Equal(trace / samples, json.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 5);
    }

    [Fact]
    public void JsonOutputIsConsistentWithItsConfusionMatrix()
    {
        var json = EvaluateJson(_f.Multi.ModelPath, _f.Test).Json();
        AssertConsistent(json, TrainedModelFixture.MultiClasses, 3 * TrainedModelFixture.TestPerClass);
        Assert.Equal(0, json.GetProperty("skipped_files").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("report").ValueKind);
        // The same model on the same images as train's --test: the same scores.
        var test = _f.Multi.Metrics.GetProperty("test");
        Assert.Equal(test.GetProperty("loss").GetDouble(), json.GetProperty("loss").GetDouble(), 4);
        Assert.Equal(test.GetProperty("accuracy").GetDouble(), json.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal(Matrix(_f.Multi.ReportJson), Matrix(json));
    }

    [Fact]
    public void BinaryModelGivesATwoByTwoMatrixOverEveryImage()
    {
        var json = EvaluateJson(_f.Binary.ModelPath, _f.Binary.Train).Json();
        AssertConsistent(json, TrainedModelFixture.BinaryClasses, 2 * TrainedModelFixture.TrainPerClass);
    }

    [Fact]
    public void UnreadableFilesAreSkippedAndNotCounted()
    {
        string data = CliFiles.CopyFolder(_f.Test, Path.Combine(_f.NewFolder("broken-test"), "test"));
        ClassImages.WriteBrokenFiles(Path.Combine(data, "zebra"));
        var json = EvaluateJson(_f.Multi.ModelPath, data).Json();
        AssertConsistent(json, TrainedModelFixture.MultiClasses, 3 * TrainedModelFixture.TestPerClass);
        Assert.Equal(2, json.GetProperty("skipped_files").GetInt32());
    }

    [Fact]
    public void AnImageThatFailsToDecodeIsLeftOutAndJsonStaysClean()
    {
        string data = CliFiles.CopyFolder(_f.Test, Path.Combine(_f.NewFolder("scrambled"), "test"));
        ClassImages.ScramblePixels(Path.Combine(data, "apple", "t02.png"));      // passes the header audit, fails to decode
        var r = DeepenRunner.Expect(0, "evaluate", "--model", _f.Multi.ModelPath, "--data", data, "--json", "--no-report");
        var json = r.Json();                                                    // the pipeline's warning went to stderr
        AssertConsistent(json, TrainedModelFixture.MultiClasses, 3 * TrainedModelFixture.TestPerClass - 1);
        Assert.Equal(1, json.GetProperty("skipped_files").GetInt32());
        Assert.Contains("t02.png", r.Err);
    }

    [Fact]
    public void ClassFoldersTheModelDoesNotKnowAreReportedOnStderr()
    {
        string data = CliFiles.CopyFolder(_f.Test, Path.Combine(_f.NewFolder("extra-class"), "test"));
        CliFiles.CopyFolder(Path.Combine(_f.Test, "apple"), Path.Combine(data, "pear"));
        var r = DeepenRunner.Expect(0, "evaluate", "--model", _f.Multi.ModelPath, "--data", data, "--json", "--no-report");
        AssertConsistent(r.Json(), TrainedModelFixture.MultiClasses, 3 * TrainedModelFixture.TestPerClass);
        Assert.Contains("warning", r.Err);
        Assert.Contains("pear", r.Err);
    }

    [Fact]
    public void ReportOptionWritesTheReportWithoutTrainingCurves()
    {
        string dir = Path.Combine(_f.NewFolder("eval-report"), "report");
        var json = DeepenRunner.Expect(0, "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--json", "--report", dir).Json();
        Assert.Equal(Path.GetFullPath(Path.Combine(dir, "index.html")), json.GetProperty("report").GetString());
        Assert.Equal(new[] { "confusion_matrix.png", "index.html", "predictions.png", "report.json", "top_losses.png", "top_losses_gradcam.png" }, CliFiles.Tree(dir));
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json"))).RootElement;
        Assert.Equal(3 * TrainedModelFixture.TestPerClass, report.GetProperty("count").GetInt32());
        Assert.Equal(Matrix(json), Matrix(report));
        Assert.Equal(JsonValueKind.Null, report.GetProperty("history").ValueKind);
    }

    [Fact]
    public void TextOutputShowsTheScoresThePerClassTableAndTheConfusionMatrix()
    {
        var text = DeepenRunner.Expect(0, "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--no-report");
        var matrix = Matrix(EvaluateJson(_f.Multi.ModelPath, _f.Test).Json());
        var lines = text.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Contains(lines, l => l.StartsWith("accuracy: "));
        Assert.Contains(lines, l => l.StartsWith("loss: "));
        Assert.Contains(lines, l => l.StartsWith("class") && l.Contains("precision") && l.Contains("recall") && l.Contains("f1") && l.Contains("support"));
        int header = Array.FindIndex(lines, l => l.StartsWith("Confusion matrix (rows: true class, columns: predicted class):"));
        Assert.True(header >= 0, text.ToString());
        Assert.Equal(new[] { "0", "1", "2" }, lines[header + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        for (int c = 0; c < 3; c++)
        {
            var cells = lines[header + 2 + c].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(TrainedModelFixture.MultiClasses[c], cells[0]);
            Assert.Equal(matrix[c], cells.Skip(1).Select(long.Parse));
        }
        Assert.DoesNotContain("Report:", text.Out);
    }

    [Fact]
    public void NoReportWritesNothing()
    {
        string cwd = _f.NewFolder("cwd");
        var modelFolder = CliFiles.Tree(_f.Multi.Out);
        var dataFolder = CliFiles.Tree(_f.Test);
        CliFiles.InDirectory(cwd, () => DeepenRunner.Expect(0, "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--no-report"));
        CliFiles.InDirectory(cwd, () => DeepenRunner.Expect(0, "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--no-report", "--json"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cwd));
        Assert.Equal(modelFolder, CliFiles.Tree(_f.Multi.Out));
        Assert.Equal(dataFolder, CliFiles.Tree(_f.Test));
    }

    [Fact]
    public void TheDefaultReportFolderIsEvaluationReportInTheCurrentFolder()
    {
        string cwd = _f.NewFolder("cwd");
        var r = CliFiles.InDirectory(cwd, () => DeepenRunner.Expect(0, "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test));
        string index = Path.Combine(cwd, "evaluation-report", "index.html");
        Assert.True(File.Exists(index));
        Assert.EndsWith($"Report: {Path.GetFullPath(index)}", r.Out.TrimEnd());
    }

    // ---- bad arguments ----

    [Fact]
    public void MissingOrUnknownOptionsExitTwo()
    {
        DeepenRunner.ExpectError(2, new[] { "evaluate", "--data", _f.Test }, "--model", "required");
        DeepenRunner.ExpectError(2, new[] { "evaluate", "--model", _f.Multi.ModelPath }, "--data", "required");
        DeepenRunner.ExpectError(2, new[] { "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--bogus" }, "--bogus");
        DeepenRunner.ExpectError(2, new[] { "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--batch-size", "0" }, "--batch-size", "0");
        DeepenRunner.ExpectError(2, new[] { "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--batch-size", "x" }, "--batch-size", "x");
        string file = Path.Combine(_f.NewFolder("report-file"), "report.html");
        File.WriteAllText(file, "keep me");
        DeepenRunner.ExpectError(2, new[] { "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--report", file }, "--report", file, "is a file");
    }

    [Fact]
    public void MissingModelOrDataExitThree()
    {
        string missing = Path.Combine(_f.NewFolder("missing"), "nothing");
        DeepenRunner.ExpectError(3, new[] { "evaluate", "--model", missing + ".deepen", "--data", _f.Test, "--no-report" }, "--model", missing + ".deepen");
        DeepenRunner.ExpectError(3, new[] { "evaluate", "--model", _f.Multi.ModelPath, "--data", missing, "--no-report" }, "--data", missing);
    }

    [Fact]
    public void CorruptOrTruncatedModelExitsFour()
    {
        foreach (string model in new[] { _f.GarbageModel(), _f.TruncatedModel() })
            DeepenRunner.ExpectError(4, new[] { "evaluate", "--model", model, "--data", _f.Test, "--no-report" }, "--model", model);
    }

    [Fact]
    public void DataWithoutTheModelsClassFoldersOrImagesExitsFour()
    {
        string root = _f.NewFolder("wrong-classes");
        string oneClass = CliFiles.CopyFolder(Path.Combine(_f.Test, "apple"), Path.Combine(root, "one", "apple"));
        DeepenRunner.ExpectError(4, new[] { "evaluate", "--model", _f.Multi.ModelPath, "--data", Path.Combine(root, "one"), "--no-report" },
            "--data", "Mango", "zebra");
        string empty = Path.Combine(root, "empty");
        foreach (var c in TrainedModelFixture.MultiClasses) Directory.CreateDirectory(Path.Combine(empty, c));
        DeepenRunner.ExpectError(4, new[] { "evaluate", "--model", _f.Multi.ModelPath, "--data", empty, "--no-report" }, "--data", empty, "no readable images");
        Assert.True(Directory.Exists(oneClass));
    }
}
