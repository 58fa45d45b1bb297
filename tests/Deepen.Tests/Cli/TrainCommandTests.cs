using System.Globalization;
using System.Text.Json;
using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Models;
using Deepen.Tests.Helpers;
using SkiaSharp;
using static TorchSharp.torch;

namespace Deepen.Tests.Cli;

/// <summary><c>deepen train</c> end to end: its files, their contents, the report against the saved model, and every bad argument.</summary>
[Collection(CliCollection.Name)]
public class TrainCommandTests
{
    static readonly string[] ReportFiles = { "confusion_matrix.png", "curves.png", "generalization_gap.png", "index.html", "predictions.png", "report.json", "top_losses.png", "top_losses_gradcam.png" };
    readonly TrainedModelFixture _f;

    public TrainCommandTests(TrainedModelFixture fixture) => _f = fixture;

    TrainedRun Run(string name) => name == "multi" ? _f.Multi : _f.Binary;

    static double Number(JsonElement e, string path)
    {
        foreach (var part in path.Split('.')) e = e.GetProperty(part);
        Assert.Equal(JsonValueKind.Number, e.ValueKind);
        return e.GetDouble();
    }

    static string Setting(JsonElement report, string key) =>
        report.GetProperty("settings").EnumerateArray().Single(p => p.GetProperty("key").GetString() == key).GetProperty("value").GetString()!;

    static string[][] HistoryRows(string outDir) =>
        File.ReadAllLines(Path.Combine(outDir, "history.csv")).Select(l => l.Split(',')).ToArray();

    // ---- the fixture's three-class run ----

    [Fact]
    public void QuietRunExitsZeroAndPrintsOnlyTheReportPath()
    {
        var r = _f.Multi.Result;
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Err);
        Assert.Equal($"Report: {Path.GetFullPath(Path.Combine(_f.Multi.ReportDir, "index.html"))}", r.Out.Trim());
    }

    [Fact]
    public void WritesTheModelHistoryMetricsAuditAndReportAndNothingElse()
    {
        var expected = new[] { "audit.json", "history.csv", "metrics.json", "model.deepen" }
            .Concat(ReportFiles.Select(f => Path.Combine("report", f))).Order(StringComparer.Ordinal);
        Assert.Equal(expected, CliFiles.Tree(_f.Multi.Out));           // no temporary files left behind
    }

    [Fact]
    public void HistoryCsvHasAHeaderAndOneRowPerEpoch()
    {
        var rows = HistoryRows(_f.Multi.Out);
        Assert.Equal(new[] { "epoch", "accuracy", "loss", "val_accuracy", "val_loss" }, rows[0]);
        Assert.Equal(TrainedModelFixture.MultiEpochs, rows.Length - 1);
        for (int i = 1; i < rows.Length; i++)
        {
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), rows[i][0]);
            Assert.Equal(rows[0].Length, rows[i].Length);
            Assert.All(rows[i].Skip(1), v => Assert.True(double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d), v));
        }
        // metrics.json's scores are the kept epoch's row (lowest val_loss by default), rounded to 6 decimals.
        int keptRow = _f.Multi.Metrics.GetProperty("kept_epoch").GetInt32();
        double Last(int column) => double.Parse(rows[keptRow][column], CultureInfo.InvariantCulture);
        double bestValLoss = rows.Skip(1).Min(r => double.Parse(r[4], CultureInfo.InvariantCulture));
        Assert.Equal(bestValLoss, Last(4));
        Assert.Equal("best_val_loss", _f.Multi.Metrics.GetProperty("kept").GetString());
        Assert.Equal(Math.Round(Last(2), 6), Number(_f.Multi.Metrics, "train.loss"), 6);
        Assert.Equal(Math.Round(Last(1), 6), Number(_f.Multi.Metrics, "train.accuracy"), 6);
        Assert.Equal(Math.Round(Last(4), 6), Number(_f.Multi.Metrics, "validation.loss"), 6);
        Assert.Equal(Math.Round(Last(3), 6), Number(_f.Multi.Metrics, "validation.accuracy"), 6);
    }

    [Fact]
    public void MetricsJsonHasTheFinalScoresClassNamesEpochsAndTimings()
    {
        var m = _f.Multi.Metrics;
        foreach (var key in new[] { "train.loss", "train.accuracy", "validation.loss", "validation.accuracy", "test.loss", "test.accuracy" })
        {
            double v = Number(m, key);
            Assert.True(v >= 0 && double.IsFinite(v), $"{key} = {v}");
        }
        Assert.Equal(TrainedModelFixture.MultiClasses, _f.Multi.ClassNames);        // folder (ordinal) order, not the order written
        Assert.Equal(TrainedModelFixture.MultiEpochs, m.GetProperty("epochs_run").GetInt32());
        Assert.Equal(TrainedModelFixture.MultiEpochs, m.GetProperty("epochs_requested").GetInt32());
        Assert.True(Number(m, "seconds") > 0);
        Assert.True(Number(m, "seconds_total") >= Number(m, "seconds"));
        Assert.Equal(0, m.GetProperty("skipped_files").GetInt32());
        Assert.Equal(3 * TrainedModelFixture.TrainPerClass, m.GetProperty("train_samples").GetInt32());
        Assert.Equal(3 * TrainedModelFixture.ValPerClass, m.GetProperty("validation_samples").GetInt32());
        Assert.Equal(3 * TrainedModelFixture.TestPerClass, m.GetProperty("test_samples").GetInt32());
        Assert.Equal("small-cnn", m.GetProperty("model").GetString());
        Assert.Equal(new[] { 16, 16 }, m.GetProperty("image_size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("rgb", m.GetProperty("color_mode").GetString());
        // The report is built over the test set, so its accuracy is the test accuracy; the classes are obvious.
        Assert.Equal(Number(m, "test.accuracy"), Number(m, "report_accuracy"), 6);
        Assert.True(Number(m, "report_accuracy") >= 0.9, $"report_accuracy {Number(m, "report_accuracy")}");
    }

    [Fact]
    public void AuditJsonCoversEveryTrainingFile()
    {
        var audit = AuditReport.Load(Path.Combine(_f.Multi.Out, "audit.json"));
        Assert.Equal(3 * TrainedModelFixture.TrainPerClass, audit.FilesScanned);
        Assert.True(audit.IsClean, audit.Summary());
    }

    [Fact]
    public void ReportJsonDescribesTheTestSetAndTheRun()
    {
        var report = _f.Multi.ReportJson;
        int n = 3 * TrainedModelFixture.TestPerClass;
        Assert.Equal(n, report.GetProperty("count").GetInt32());
        Assert.False(report.GetProperty("binary").GetBoolean());
        Assert.Equal(TrainedModelFixture.MultiClasses, report.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(n, report.GetProperty("confusion_matrix").EnumerateArray().SelectMany(r => r.EnumerateArray()).Sum(v => v.GetInt64()));
        Assert.Equal(_f.Test, Setting(report, "test"));
        Assert.Equal(_f.Val, Setting(report, "validation"));
        Assert.Equal("16x16", Setting(report, "image size"));
        Assert.Equal($"{TrainedModelFixture.MultiEpochs} of {TrainedModelFixture.MultiEpochs}", Setting(report, "epochs"));
        Assert.Equal("none", Setting(report, "augment"));
        Assert.Equal("off", Setting(report, "early stopping"));
        Assert.Equal(TrainedModelFixture.MultiEpochs, report.GetProperty("history").GetProperty("epochs").GetArrayLength());
        string html = File.ReadAllText(Path.Combine(_f.Multi.ReportDir, "index.html"));
        Assert.Contains("data:image/png;base64,", html);                     // self-contained
        Assert.All(TrainedModelFixture.MultiClasses, c => Assert.Contains(c, html));
    }

    [Theory]
    [InlineData("multi")]
    [InlineData("binary")]
    public void EveryReportPngDecodesToTheSizeRecordedInReportJson(string run)
    {
        var dir = Run(run).ReportDir;
        Assert.Equal(ReportFiles, CliFiles.Tree(dir));
        var figures = Run(run).ReportJson.GetProperty("figures");
        var pngs = ReportFiles.Where(f => f.EndsWith(".png")).ToArray();
        Assert.Equal(pngs, figures.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var name in pngs)
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(dir, name));
            Assert.True(bitmap is not null, $"{name} does not decode");
            Assert.Equal(figures.GetProperty(name).GetProperty("width").GetInt32(), bitmap!.Width);
            Assert.Equal(figures.GetProperty(name).GetProperty("height").GetInt32(), bitmap.Height);
            Assert.True(bitmap.Width >= 200 && bitmap.Height >= 150, $"{name} is {bitmap.Width}x{bitmap.Height}");
        }
    }

    /// <summary>
    /// The evaluation images of a run, in the order the report saw them: the 3-class run's test folder (class folders in
    /// ordinal order, files sorted), or the binary run's validation split (the first quarter of each class's files).
    /// </summary>
    (string Root, string[] Order) EvaluationImages(string run)
    {
        if (run == "multi") return (_f.Test, ClassImages.EvaluationOrder(_f.Test));
        var all = ClassImages.EvaluationOrder(_f.Binary.Train);
        var order = all.GroupBy(f => Path.GetDirectoryName(f)).SelectMany(g => g.Take(g.Count() / 4)).ToArray();
        return (_f.Binary.Train, order);
    }

    [Theory]
    [InlineData("multi")]
    [InlineData("binary")]
    public void PredictionGridMatchesTheSavedModelsPredictions(string run)
    {
        var report = Run(run).ReportJson;
        var (root, order) = EvaluationImages(run);
        Assert.Equal(order.Length, report.GetProperty("count").GetInt32());
        var names = Run(run).ClassNames;
        var grid = report.GetProperty("grid").EnumerateArray().ToArray();
        Assert.Equal(Math.Min(25, order.Length), grid.Length);

        using var model = Model.Load(Run(run).ModelPath);
        var images = grid.Select(g =>
        {
            string name = g.GetProperty("name").GetString()!;
            Assert.Equal(order[g.GetProperty("index").GetInt32()], name);           // index and name agree with the evaluation order
            return ImageLoader.Load(Path.Combine(root, name), new Size2(ClassImages.Size, ClassImages.Size), "rgb");
        }).ToList();
        using var x = stack(images);
        images.ForEach(t => t.Dispose());
        using var output = model.Predict(x);
        var p = TestData.Values(output);
        int units = (int)output.shape[1];
        Assert.Equal(run == "binary" ? 1 : 3, units);

        for (int i = 0; i < grid.Length; i++)
        {
            var g = grid[i];
            string name = g.GetProperty("name").GetString()!;
            int predicted, truth = Array.IndexOf(names, Path.GetDirectoryName(name));
            double probability;
            if (units == 1) { predicted = p[i] > 0.5 ? 1 : 0; probability = predicted == 1 ? p[i] : 1 - p[i]; }
            else
            {
                predicted = Enumerable.Range(0, units).MaxBy(k => p[i * units + k]);
                probability = p[i * units + predicted];
            }
            Assert.Equal(predicted, g.GetProperty("predicted").GetInt32());
            Assert.Equal(names[predicted], g.GetProperty("predicted_name").GetString());
            Assert.Equal(truth, g.GetProperty("true").GetInt32());
            Assert.Equal(names[truth], g.GetProperty("true_name").GetString());
            Assert.Equal(predicted == truth, g.GetProperty("correct").GetBoolean());
            Assert.True(Math.Abs(probability - g.GetProperty("probability").GetDouble()) < 1e-4,
                $"{name}: the model gives {probability}, the grid says {g.GetProperty("probability").GetDouble()}");
        }
    }

    [Theory]
    [InlineData("multi")]
    [InlineData("binary")]
    public void TopLossesAreSortedAndTheirLossIsTheCrossEntropyOfTheTrueClass(string run)
    {
        var top = Run(run).ReportJson.GetProperty("top_losses").EnumerateArray().ToArray();
        Assert.Equal(9, top.Length);
        var losses = top.Select(t => t.GetProperty("loss").GetDouble()).ToArray();
        Assert.Equal(losses.OrderByDescending(l => l), losses);
        foreach (var t in top)
        {
            double pTrue = Math.Clamp(t.GetProperty("true_probability").GetDouble(), 1e-7, 1 - 1e-7);
            Assert.Equal(-Math.Log(pTrue), t.GetProperty("loss").GetDouble(), 4);
        }
    }

    [Fact]
    public void TwoClassesGiveOneSigmoidUnitAndThreeClassesASoftmaxOverThree()
    {
        using var binary = Model.Load(_f.Binary.ModelPath);
        using var multi = Model.Load(_f.Multi.ModelPath);
        Assert.Equal(1, binary.OutputShape![-1]);
        Assert.Equal(3, multi.OutputShape![-1]);
        Assert.Equal(TrainedModelFixture.BinaryClasses, binary.ClassNames);
        Assert.Equal(TrainedModelFixture.MultiClasses, multi.ClassNames);
        Assert.True(_f.Binary.ReportJson.GetProperty("binary").GetBoolean());
        Assert.Equal((16, 16, 3), (multi.InputShape![0], multi.InputShape[1], multi.InputShape[2]));
    }

    [Fact]
    public void ValSplitHoldsOutAFractionOfEachClassForValidation()
    {
        var m = _f.Binary.Metrics;
        int perClassValidation = TrainedModelFixture.TrainPerClass / 4;
        Assert.Equal(2 * perClassValidation, m.GetProperty("validation_samples").GetInt32());
        Assert.Equal(2 * (TrainedModelFixture.TrainPerClass - perClassValidation), m.GetProperty("train_samples").GetInt32());
        Assert.Equal(JsonValueKind.Null, m.GetProperty("test").ValueKind);
        Assert.True(Number(m, "validation.loss") >= 0);
        Assert.True(Number(m, "validation.accuracy") >= 0);
        Assert.Equal(new[] { "epoch", "accuracy", "loss", "val_accuracy", "val_loss" }, HistoryRows(_f.Binary.Out)[0]);
        Assert.Equal("25% of train", Setting(_f.Binary.ReportJson, "validation"));
    }

    [Fact]
    public void ValSplitDividesTheFilesTheAuditKeptSoTrainingAndValidationDoNotOverlap()
    {
        // A training image that is also in the test set is left out of training (leakage). The validation subset must
        // be cut from the same kept files, or the two cuts shift against each other and an image lands in both.
        string root = _f.NewFolder("split-leak");
        string test = CliFiles.CopyFolder(Path.Combine(_f.Test, "apple"), Path.Combine(root, "test", "cat"));
        CliFiles.CopyFolder(Path.Combine(_f.Test, "zebra"), Path.Combine(root, "test", "dog"));
        File.Copy(Path.Combine(_f.Binary.Train, "cat", "cat_10.png"), Path.Combine(test, "leaked.png"));
        string output = Path.Combine(root, "out");

        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(_f.Binary.Train, output, 1, "--val-split", "0.25", "--test", Path.Combine(root, "test")));

        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.Equal(1, metrics.GetProperty("skipped_files").GetInt32());
        int kept = 2 * TrainedModelFixture.TrainPerClass - 1;
        Assert.Equal(19 / 4 + 20 / 4, metrics.GetProperty("validation_samples").GetInt32());
        Assert.Equal(kept, metrics.GetProperty("train_samples").GetInt32() + metrics.GetProperty("validation_samples").GetInt32());
    }

    [Fact]
    public void TheSameSeedRepeatsTheRun()
    {
        string output = _f.NewFolder("repeat");
        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(_f.Binary.Train, output, TrainedModelFixture.BinaryEpochs, "--val-split", "0.25"));
        Assert.Equal(File.ReadAllText(Path.Combine(_f.Binary.Out, "history.csv")), File.ReadAllText(Path.Combine(output, "history.csv")));
    }

    // ---- options that change the run ----

    [Fact]
    public void AugmentTrainsOnTransformedImagesAndRecordsTheAugmentations()
    {
        string output = _f.NewFolder("augment");
        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(_f.Binary.Train, output, TrainedModelFixture.BinaryEpochs, "--val-split", "0.25",
            "--augment", "shear=0.2, zoom=0.2,rotation=10,shift=0.1,brightness=0.2,flip,vflip"));
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report", "report.json"))).RootElement;
        Assert.Equal("shear=0.2,zoom=0.2,rotation=10,shift=0.1,brightness=0.2,flip,vflip", Setting(report, "augment"));
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.Equal(_f.Binary.Metrics.GetProperty("train_samples").GetInt32(), metrics.GetProperty("train_samples").GetInt32());
        // Same data, seed and epochs as the fixture's binary run: only the augmentation differs, and it changes training.
        Assert.NotEqual(Number(_f.Binary.Metrics, "train.loss"), Number(metrics, "train.loss"));
        Assert.Equal(TrainedModelFixture.BinaryEpochs + 1, HistoryRows(output).Length);
    }

    [Fact]
    public void EarlyStoppingStopsWhenValidationLossStopsImproving()
    {
        // A learning rate far below float32 resolution leaves the weights unchanged, so val_loss is the same every
        // epoch: with patience 1, epoch 2 is the first without improvement and training stops there.
        string output = _f.NewFolder("early");
        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(_f.Binary.Train, output, 6, "--val-split", "0.25",
            "--optimizer", "sgd", "--lr", "1e-30", "--early-stopping", "1"));
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.Equal(2, metrics.GetProperty("epochs_run").GetInt32());
        Assert.Equal(6, metrics.GetProperty("epochs_requested").GetInt32());
        Assert.Equal(3, HistoryRows(output).Length);
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report", "report.json"))).RootElement;
        Assert.Equal("2 of 6", Setting(report, "epochs"));
        Assert.Equal("1", Setting(report, "early stopping"));
    }

    [Fact]
    public void CorruptAndEmptyFilesAreSkippedAndCounted()
    {
        string root = _f.NewFolder("broken");
        string train = CliFiles.CopyFolder(_f.Binary.Train, Path.Combine(root, "train"));
        var (empty, corrupt) = ClassImages.WriteBrokenFiles(Path.Combine(train, "cat"));
        File.Move(corrupt, Path.Combine(train, "dog", "corrupt.jpg"));
        string output = Path.Combine(root, "out");

        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(train, output, 1));

        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.Equal(2, metrics.GetProperty("skipped_files").GetInt32());
        Assert.Equal(2 * TrainedModelFixture.TrainPerClass, metrics.GetProperty("train_samples").GetInt32());
        var audit = AuditReport.Load(Path.Combine(output, "audit.json"));
        Assert.Equal(2 * TrainedModelFixture.TrainPerClass + 2, audit.FilesScanned);
        Assert.Equal(AnomalyKind.ZeroByte, Assert.Single(audit.Entries, e => e.Path == empty).Kind);
        Assert.Equal(AnomalyKind.Corrupt, Assert.Single(audit.Entries, e => e.Path == Path.Combine(train, "dog", "corrupt.jpg")).Kind);
        // Without validation or test data the report covers the readable training images.
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report", "report.json"))).RootElement;
        Assert.Equal(2 * TrainedModelFixture.TrainPerClass, report.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("validation").ValueKind);
    }

    [Fact]
    public void StrictRefusesAFolderWithMarkedFiles()
    {
        string root = _f.NewFolder("strict");
        string train = CliFiles.CopyFolder(_f.Binary.Train, Path.Combine(root, "train"));
        ClassImages.WriteBrokenFiles(Path.Combine(train, "dog"));
        string output = Path.Combine(root, "out");
        DeepenRunner.ExpectError(4, TrainedModelFixture.TrainArgs(train, output, 1, "--strict"),
            "--train", "strict", Path.Combine(train, "dog", "empty.png"), Path.Combine(train, "dog", "corrupt.jpg"), "zero-byte", "corrupt");
        Assert.False(File.Exists(Path.Combine(output, "model.deepen")));
        // The same folder without the broken files passes the strict audit.
        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(_f.Binary.Train, output, 1, "--strict"));
    }

    [Fact]
    public void UnreadableFilesInTheValidationAndTestFoldersAreLeftOut()
    {
        string root = _f.NewFolder("broken-eval");
        string val = CliFiles.CopyFolder(_f.Val, Path.Combine(root, "val"));
        string test = CliFiles.CopyFolder(_f.Test, Path.Combine(root, "test"));
        ClassImages.WriteBrokenFiles(Path.Combine(val, "zebra"));
        ClassImages.WriteBrokenFiles(Path.Combine(test, "apple"));
        string scrambled = ClassImages.ScramblePixels(Path.Combine(test, "Mango", "t03.png"));     // passes the audit, fails to decode
        string output = Path.Combine(root, "out");

        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(_f.Multi.Train, output, 1, "--val", val, "--test", test));

        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.Equal(3 * TrainedModelFixture.ValPerClass, metrics.GetProperty("validation_samples").GetInt32());
        Assert.Equal(3 * TrainedModelFixture.TestPerClass - 1, metrics.GetProperty("test_samples").GetInt32());
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report", "report.json"))).RootElement;
        Assert.Equal(3 * TrainedModelFixture.TestPerClass - 1, report.GetProperty("count").GetInt32());
        // The report's sample names skip the file that failed, so index and name still agree.
        var order = ClassImages.EvaluationOrder(_f.Test).Where(n => n != Path.Combine("Mango", "t03.png")).ToArray();
        foreach (var g in report.GetProperty("grid").EnumerateArray())
            Assert.Equal(order[g.GetProperty("index").GetInt32()], g.GetProperty("name").GetString());
        Assert.True(File.Exists(scrambled));
    }

    [Fact]
    public void GrayscaleAndWidthByHeightSizesShapeTheModel()
    {
        string output = _f.NewFolder("gray");
        DeepenRunner.Expect(0, "train", "--train", _f.Binary.Train, "--out", output, "--model", "small-cnn", "--color-mode", "grayscale",
            "--image-size", "20x12", "--epochs", "1", "--batch-size", "8", "--seed", "1", "--quiet");
        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        Assert.Equal((12, 20, 1), (model.InputShape![0], model.InputShape[1], model.InputShape[2]));
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.Equal(new[] { 20, 12 }, metrics.GetProperty("image_size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("grayscale", metrics.GetProperty("color_mode").GetString());
        // evaluate and predict read colour 16×16 images into what the model takes.
        var json = DeepenRunner.Expect(0, "evaluate", "--model", Path.Combine(output, "model.deepen"), "--data", _f.Binary.Train, "--json", "--no-report").Json();
        Assert.Equal(2 * TrainedModelFixture.TrainPerClass, json.GetProperty("samples").GetInt32());
        DeepenRunner.Expect(0, "predict", "--model", Path.Combine(output, "model.deepen"), Path.Combine(_f.Binary.Train, "cat"), "--csv");
    }

    [Fact]
    public void WithoutModelTheSeedCnnIsBuiltAndTrains()
    {
        // No --model on images of 46x46 or more: the seed CNN (Conv 32/64/128/128 with pooling, Dense 512).
        string output = _f.NewFolder("seed-cnn");
        DeepenRunner.Expect(0, "train", "--train", _f.Binary.Train, "--out", output, "--image-size", "48", "--epochs", "6",
            "--batch-size", "8", "--seed", "1", "--quiet");
        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        var convolutions = model.Layers.OfType<Deepen.Layers.Conv2D>().ToArray();
        Assert.Equal(new[] { 32, 64, 128, 128 }, convolutions.Select(c => c.Filters));
        Assert.Equal(4, model.Layers.OfType<Deepen.Layers.MaxPooling2D>().Count());
        var dense = model.Layers.OfType<Deepen.Layers.Dense>().ToArray();
        Assert.Equal(new[] { 512, 1 }, dense.Select(d => d.Units));
        Assert.Equal("seed-cnn", JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement.GetProperty("model").GetString());
        // It learns the obvious classes: the training loss falls and the training images end up classified right.
        var rows = HistoryRows(output);
        int loss = Array.IndexOf(rows[0], "loss");
        double first = double.Parse(rows[1][loss], CultureInfo.InvariantCulture), last = double.Parse(rows[^1][loss], CultureInfo.InvariantCulture);
        Assert.True(last < 0.7 * first, $"training loss {first} -> {last}");
        var json = DeepenRunner.Expect(0, "evaluate", "--model", Path.Combine(output, "model.deepen"), "--data", _f.Binary.Train, "--json", "--no-report").Json();
        Assert.True(json.GetProperty("metrics").GetProperty("accuracy").GetDouble() >= 0.9, $"accuracy on its training folder: {json}");
    }

    [Fact]
    public void RgbaColorModeGivesFourInputChannelsAndEvaluatePredictAndExplainUseThem()
    {
        string output = _f.NewFolder("rgba");
        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(_f.Multi.Train, output, 3, "--color-mode", "rgba", "--test", _f.Test));
        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        Assert.Equal((16, 16, 4), (model.InputShape![0], model.InputShape[1], model.InputShape[2]));
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.Equal("rgba", metrics.GetProperty("color_mode").GetString());
        Assert.True(Number(metrics, "test.accuracy") >= 0.9, $"test accuracy {Number(metrics, "test.accuracy")}");
        // The saved model's four channels make the other commands read images as RGBA.
        string modelPath = Path.Combine(output, "model.deepen");
        var evaluation = DeepenRunner.Expect(0, "evaluate", "--model", modelPath, "--data", _f.Test, "--json", "--no-report").Json();
        Assert.Equal(Number(metrics, "test.accuracy"), evaluation.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 6);
        var predicted = DeepenRunner.Expect(0, "predict", "--model", modelPath, Path.Combine(_f.Test, "zebra", "t00.png"), "--json").Json();
        Assert.Equal("zebra", predicted.GetProperty("predictions")[0].GetProperty("class").GetString());
        DeepenRunner.Expect(0, "explain", "--model", modelPath, Path.Combine(_f.Test, "zebra", "t00.png"), "--out", _f.NewFolder("rgba-explain"));
    }

    [Fact]
    public void AFailureWhileRunningExitsOne()
    {
        // The arguments and inputs are fine; writing the report fails after the evaluation (a folder is in the way of
        // index.html). Not a usage error (2), a missing input (3) or an unusable input (4): a failure while running.
        string report = _f.NewFolder("failure-report");
        string blocker = Path.Combine(report, "index.html");
        Directory.CreateDirectory(blocker);
        DeepenRunner.ExpectError(1, new[] { "evaluate", "--model", _f.Multi.ModelPath, "--data", _f.Test, "--report", report }, "index.html");
        Assert.True(Directory.Exists(blocker));
    }

    [Fact]
    public void MixedPrecisionTrainsUnderTheBFloat16PolicyAndSavesFloat32Weights()
    {
        string output = _f.NewFolder("mixed");
        DeepenRunner.Expect(0, "train", "--train", _f.Binary.Train, "--out", output, "--model", "small-cnn", "--image-size", "12",
            "--epochs", "1", "--batch-size", "8", "--seed", "1", "--mixed-precision", "--quiet");
        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        Assert.Equal("mixed_bfloat16", model.DTypePolicy.Name);
        Assert.All(model.Weights, w => Assert.Equal(ScalarType.Float32, w.Value.dtype));
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report", "report.json"))).RootElement;
        Assert.Equal("mixed_bfloat16", Setting(report, "dtype policy"));
    }

    [Fact]
    public void AJsonModelSpecIsBuiltWithTheClassificationHead()
    {
        string root = _f.NewFolder("spec");
        string spec = Path.Combine(root, "tiny.json");
        File.WriteAllText(spec, """{"layers": [{"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 8, "activation": "relu"}}]}""");
        string output = Path.Combine(root, "out");
        DeepenRunner.Expect(0, "train", "--train", _f.Multi.Train, "--out", output, "--model", spec, "--image-size", "16", "--epochs", "1", "--quiet");
        var summary = DeepenRunner.Expect(0, "summary", "--model", Path.Combine(output, "model.deepen")).Out;
        Assert.Contains("Model: \"tiny\"", summary);
        Assert.Contains("(None, 8)", summary);
        Assert.Contains("(None, 3)", summary);                       // Dense(3, softmax) appended for three classes
        Assert.Contains($"Total params: {(16 * 16 * 3 * 8 + 8 + 8 * 3 + 3).ToString("N0", CultureInfo.InvariantCulture)} (", summary);

        string notJson = Path.Combine(root, "broken.json");
        File.WriteAllText(notJson, "{ layers: ");
        DeepenRunner.ExpectError(4, new[] { "train", "--train", _f.Multi.Train, "--out", Path.Combine(root, "o2"), "--model", notJson }, notJson);
        string unknownLayer = Path.Combine(root, "unknown.json");
        File.WriteAllText(unknownLayer, """{"layers": [{"class_name": "Teleport"}]}""");
        DeepenRunner.ExpectError(4, new[] { "train", "--train", _f.Multi.Train, "--out", Path.Combine(root, "o3"), "--model", unknownLayer }, unknownLayer, "Teleport");
    }

    // ---- bad arguments ----

    /// <summary>Options with a bad value, and what stderr must name: the option and the value.</summary>
    public static TheoryData<string[], string[]> BadValues => new()
    {
        { new[] { "--image-size", "0" }, new[] { "--image-size", "\"0\"" } },
        { new[] { "--image-size", "abc" }, new[] { "--image-size", "\"abc\"" } },
        { new[] { "--image-size", "16x" }, new[] { "--image-size", "\"16x\"" } },
        { new[] { "--image-size", "16x16x3" }, new[] { "--image-size", "\"16x16x3\"" } },
        { new[] { "--image-size", "5000" }, new[] { "--image-size", "\"5000\"" } },
        { new[] { "--augment", "shear=abc" }, new[] { "--augment", "shear=abc" } },
        { new[] { "--augment", "zoom=-0.2" }, new[] { "--augment", "zoom=-0.2" } },
        { new[] { "--augment", "spin=3" }, new[] { "--augment", "spin=3" } },
        { new[] { "--augment", "flip=1" }, new[] { "--augment", "flip=1" } },
        { new[] { "--color-mode", "purple" }, new[] { "--color-mode", "purple" } },
        { new[] { "--optimizer", "foo" }, new[] { "--optimizer", "foo" } },
        { new[] { "--lr", "0" }, new[] { "--lr", "0" } },
        { new[] { "--lr", "-1" }, new[] { "--lr", "-1" } },
        { new[] { "--lr", "NaN" }, new[] { "--lr", "NaN" } },
        { new[] { "--lr", "abc" }, new[] { "--lr", "abc" } },
        { new[] { "--epochs", "0" }, new[] { "--epochs", "0" } },
        { new[] { "--epochs", "-2" }, new[] { "--epochs", "-2" } },
        { new[] { "--epochs", "abc" }, new[] { "--epochs", "abc" } },
        { new[] { "--epochs", "1.5" }, new[] { "--epochs", "1.5" } },
        { new[] { "--val-split", "1" }, new[] { "--val-split", "1" } },
        { new[] { "--val-split", "1.5" }, new[] { "--val-split", "1.5" } },
        { new[] { "--val-split", "-0.1" }, new[] { "--val-split", "-0.1" } },
        { new[] { "--val-split", "NaN" }, new[] { "--val-split", "NaN" } },
        { new[] { "--val-split", "abc" }, new[] { "--val-split", "abc" } },
        { new[] { "--batch-size", "0" }, new[] { "--batch-size", "0" } },
        { new[] { "--early-stopping", "-1" }, new[] { "--early-stopping", "-1" } },
        { new[] { "--model", "big-cnn" }, new[] { "--model", "big-cnn" } },
        { new[] { "--seed", "x" }, new[] { "--seed", "x" } },
        { new[] { "--bogus" }, new[] { "--bogus" } },
        { new[] { "--epochs" }, new[] { "--epochs" } },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void ABadOptionValueExitsTwoNamingTheOptionAndTheValue(string[] bad, string[] mentions)
    {
        string output = Path.Combine(_f.NewFolder("bad"), "out");
        var args = new[] { "train", "--train", _f.Multi.Train, "--out", output }.Concat(bad).ToArray();
        var r = DeepenRunner.ExpectError(2, args, mentions);
        Assert.Equal("", r.Out);
        Assert.False(Directory.Exists(output), "a usage error must not create --out");
    }

    [Fact]
    public void MissingRequiredOptionsExitTwo()
    {
        DeepenRunner.ExpectError(2, new[] { "train", "--out", _f.NewFolder("out") }, "--train", "required");
        DeepenRunner.ExpectError(2, new[] { "train", "--train", _f.Multi.Train }, "--out", "required");
    }

    [Fact]
    public void ValTogetherWithValSplitExitsTwo()
    {
        string output = Path.Combine(_f.NewFolder("both"), "out");
        DeepenRunner.ExpectError(2, new[] { "train", "--train", _f.Multi.Train, "--out", output, "--val", _f.Val, "--val-split", "0.2" },
            "--val ", "--val-split");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void BadArgumentsAreReportedBeforeMissingFolders()
    {
        string missing = Path.Combine(_f.NewFolder("missing"), "nowhere");
        DeepenRunner.ExpectError(2, new[] { "train", "--train", missing, "--out", _f.NewFolder("out"), "--epochs", "0" }, "--epochs", "0");
    }

    [Fact]
    public void MissingFoldersExitThreeNamingTheOptionAndThePath()
    {
        string missing = Path.Combine(_f.NewFolder("missing"), "nowhere");
        string output = Path.Combine(_f.NewFolder("out"), "out");
        string[] Args(params string[] extra) => new[] { "train", "--out", output }.Concat(extra).ToArray();
        DeepenRunner.ExpectError(3, Args("--train", missing), "--train", missing);
        DeepenRunner.ExpectError(3, Args("--train", _f.Multi.Train, "--val", missing), "--val", missing);
        DeepenRunner.ExpectError(3, Args("--train", _f.Multi.Train, "--test", missing), "--test", missing);
        string file = Directory.GetFiles(Path.Combine(_f.Multi.Train, "apple"))[0];
        DeepenRunner.ExpectError(3, Args("--train", file), "--train", file, "is a file");
        string spec = Path.Combine(missing, "model.json");
        DeepenRunner.ExpectError(3, Args("--train", _f.Multi.Train, "--model", spec), "--model", spec);
        Assert.False(Directory.Exists(output), "nothing is written before the inputs are found");
    }

    [Fact]
    public void AnOutputPathThatIsAFileExitsTwo()
    {
        string file = Path.Combine(_f.NewFolder("out-file"), "metrics.txt");
        File.WriteAllText(file, "keep me");
        DeepenRunner.ExpectError(2, TrainedModelFixture.TrainArgs(_f.Multi.Train, file, 1), "--out", file, "is a file");
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void AModelThatDoesNotFitTheImageSizeExitsTwo()
    {
        string output = Path.Combine(_f.NewFolder("too-small"), "out");
        DeepenRunner.ExpectError(2, new[] { "train", "--train", _f.Multi.Train, "--out", output, "--model", "seed-cnn", "--image-size", "8", "--quiet" },
            "--model", "seed-cnn", "--image-size", "8x8");
    }

    [Fact]
    public void AValidationFolderWithoutEveryClassExitsFour()
    {
        string val = CliFiles.CopyFolder(_f.Val, Path.Combine(_f.NewFolder("val"), "val"));
        Directory.Delete(Path.Combine(val, "zebra"), recursive: true);
        DeepenRunner.ExpectError(4, TrainedModelFixture.TrainArgs(_f.Multi.Train, Path.Combine(_f.NewFolder("out"), "out"), 1, "--val", val), "--val", "zebra");
    }

    [Fact]
    public void AFolderWithFewerThanTwoClassesExitsFour()
    {
        string root = _f.NewFolder("one-class");
        string oneClass = Path.Combine(root, "train");
        CliFiles.CopyFolder(Path.Combine(_f.Multi.Train, "apple"), Path.Combine(oneClass, "apple"));
        DeepenRunner.ExpectError(4, TrainedModelFixture.TrainArgs(oneClass, Path.Combine(root, "out"), 1), "--train", oneClass, "1 class");
        string noClass = Path.Combine(root, "empty");
        Directory.CreateDirectory(noClass);
        DeepenRunner.ExpectError(4, TrainedModelFixture.TrainArgs(noClass, Path.Combine(root, "out2"), 1), "--train", noClass, "0 class");
    }
}
