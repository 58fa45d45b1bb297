using System.Text.Json;
using System.Text.RegularExpressions;
using Deepen.Data;
using Deepen.Models;
using Deepen.Reports;
using Deepen.Imaging.Figures;
using Deepen.Reports.Figures;
using Deepen.Training;
using SkiaSharp;
using static TorchSharp.torch;

namespace Deepen.Tests.Reports;

/// <summary>Trains the 3-class shapes model once and saves one report that all tests of <see cref="ReportTests"/> read.</summary>
public sealed class SavedShapesReport : IDisposable
{
    public SavedShapesReport()
    {
        (Model, History) = ReportTestData.TrainShapes();
        (X, Y) = ReportTestData.Shapes(70, seed: 3);
        Names = Enumerable.Range(0, 70).Select(i => $"img_{i:D3}.png").ToArray();
        Report = new Report(Model, History, new TensorBatchSource(X, Y, batchSize: 16), ReportTestData.ShapeNames, new ReportOptions
        {
            Title = "Shapes <test> & co",
            SampleNames = Names,
            AuditLines = ["2 files were corrupt and skipped."],
            AuditFacts = new Dictionary<string, string> { ["images"] = "70", ["duplicates"] = "<none>" },
            Settings = new Dictionary<string, string> { ["epochs"] = "4", ["optimizer"] = "adam" },
            Timings = new Dictionary<string, string> { ["training"] = "1.2 s" },
        });
        IndexPath = Report.Save(Folder.Path);
        Html = File.ReadAllText(IndexPath);
        Json = JsonDocument.Parse(File.ReadAllText(Folder.File(Report.JsonFileName)));
        using var p = Model.Predict(X);
        Probabilities = ReportTestData.Values(p);
        Labels = ReportTestData.Values(Y).Select(v => (int)v).ToArray();
    }

    public ReportFolder Folder { get; } = new();
    public Model Model { get; }
    public History History { get; }
    public Tensor X { get; }
    public Tensor Y { get; }
    public string[] Names { get; }
    public Report Report { get; }
    public string IndexPath { get; }
    public string Html { get; }
    public JsonDocument Json { get; }
    /// <summary>model.Predict(X), computed independently of the report, row-major [70, 3].</summary>
    public double[] Probabilities { get; }
    public int[] Labels { get; }

    public int PredictedByModel(int i) =>
        Enumerable.Range(0, 3).Aggregate(0, (best, k) => Probabilities[i * 3 + k] > Probabilities[i * 3 + best] ? k : best);

    public void Dispose()
    {
        Json.Dispose();
        Folder.Dispose();
    }
}

public class ReportTests : IClassFixture<SavedShapesReport>
{
    readonly SavedShapesReport _s;

    public ReportTests(SavedShapesReport saved) => _s = saved;

    [Fact]
    public void SaveWritesEveryFileAtomicallyAndReturnsTheIndexPath()
    {
        var files = Directory.GetFiles(_s.Folder.Path).Select(Path.GetFileName).OrderBy(n => n).ToArray();
        // generalization_gap.png: the history has validation loss; no top-loss heatmaps: the model has no convolution.
        Assert.Equal(new[] { "confusion_matrix.png", "curves.png", "generalization_gap.png", "index.html", "predictions.png", "report.json", "top_losses.png" }, files);
        Assert.Equal(Path.GetFullPath(_s.Folder.File("index.html")), _s.IndexPath);
    }

    [Fact]
    public void EveryPngDecodesWithTheExpectedSize()
    {
        var figures = _s.Json.RootElement.GetProperty("figures");
        foreach (var name in new[] { "curves.png", "predictions.png", "confusion_matrix.png", "top_losses.png" })
        {
            using var bitmap = SKBitmap.Decode(_s.Folder.File(name));
            Assert.NotNull(bitmap);
            Assert.Equal(figures.GetProperty(name).GetProperty("width").GetInt32(), bitmap.Width);
            Assert.Equal(figures.GetProperty(name).GetProperty("height").GetInt32(), bitmap.Height);
        }
        // 8×8 images are enlarged 12× to 96 px cells: the 5×5 grid is at least 5 cells each way.
        Assert.Equal((96, 96), ImageGridFigure.ImageSize(8, 8));
        using (var grid = SKBitmap.Decode(_s.Folder.File("predictions.png")))
        {
            Assert.Equal(ImageGridFigure.Measure(25, 5, 8, 8, 2), (grid.Width, grid.Height));
            Assert.True(grid.Width >= 5 * 96 && grid.Height >= 5 * 96);
        }
        using (var top = SKBitmap.Decode(_s.Folder.File("top_losses.png")))
            Assert.Equal(ImageGridFigure.Measure(9, 3, 8, 8, 4), (top.Width, top.Height));
        using (var curves = SKBitmap.Decode(_s.Folder.File("curves.png")))
            Assert.Equal((2 * CurvesFigure.PanelWidth, CurvesFigure.PanelHeight), (curves.Width, curves.Height)); // loss, accuracy
        using (var cm = SKBitmap.Decode(_s.Folder.File("confusion_matrix.png")))
            Assert.True(cm.Width >= 3 * ConfusionMatrixFigure.CellSize(3) && cm.Height >= 3 * ConfusionMatrixFigure.CellSize(3));
    }

    [Fact]
    public void ConfusionMatrixSumsToTheImagesAndMatchesModelPredict()
    {
        var m = _s.Report.ConfusionMatrix;
        Assert.Equal(3, m.GetLength(0));
        Assert.Equal(3, m.GetLength(1));
        Assert.Equal(70L, m.Cast<long>().Sum());
        var expected = new long[3, 3];
        for (int i = 0; i < 70; i++) expected[_s.Labels[i], _s.PredictedByModel(i)]++;
        Assert.Equal(expected, m);
        Assert.Equal(Enumerable.Range(0, 70).Select(_s.PredictedByModel), _s.Report.Predictions);
        Assert.Equal(_s.Labels, _s.Report.Labels);
        Assert.Equal(Enumerable.Range(0, 3).Sum(c => expected[c, c]) / 70.0, _s.Report.Accuracy, 1e-12);
    }

    [Fact]
    public void PerClassPrecisionAndRecallEqualHandComputationFromTheMatrix()
    {
        var m = _s.Report.ConfusionMatrix;
        for (int c = 0; c < 3; c++)
        {
            long column = m[0, c] + m[1, c] + m[2, c], row = m[c, 0] + m[c, 1] + m[c, 2];
            double precision = column == 0 ? 0 : (double)m[c, c] / column, recall = row == 0 ? 0 : (double)m[c, c] / row;
            var metrics = _s.Report.PerClass[c];
            Assert.Equal(ReportTestData.ShapeNames[c], metrics.Name);
            Assert.Equal(precision, metrics.Precision, 1e-12);
            Assert.Equal(recall, metrics.Recall, 1e-12);
            Assert.Equal(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall), metrics.F1, 1e-12);
            Assert.Equal(row, metrics.Support);
        }
    }

    [Fact]
    public void ProbabilitiesAndLossesMatchModelPredict()
    {
        double total = 0;
        for (int i = 0; i < 70; i++)
        {
            var p = _s.Report.Probabilities(i);
            for (int k = 0; k < 3; k++) Assert.Equal(_s.Probabilities[i * 3 + k], p[k], 1e-6);
            double loss = -Math.Log(Math.Clamp(_s.Probabilities[i * 3 + _s.Labels[i]], 1e-7, 1 - 1e-7));
            Assert.Equal(loss, _s.Report.Losses[i], 1e-5);
            total += loss;
        }
        Assert.Equal(total / 70, _s.Report.Loss, 1e-5);
    }

    [Fact]
    public void JsonGridHolds25ImagesSpreadOverTheSetWithModelPredictArgMax()
    {
        var grid = _s.Json.RootElement.GetProperty("grid").EnumerateArray().ToArray();
        Assert.Equal(25, grid.Length);
        // 70 images in batches of 16: at least 4*16+1 = 65 samples are known at the first batch, so every
        // 65/25 = 2nd image is shown and the grid spans the set instead of only its first class.
        const int stride = 2;
        for (int k = 0; k < 25; k++)
        {
            var e = grid[k];
            int i = k * stride;
            int predicted = _s.PredictedByModel(i);
            Assert.Equal(i, e.GetProperty("index").GetInt32());
            Assert.Equal(predicted, e.GetProperty("predicted").GetInt32());
            Assert.Equal(ReportTestData.ShapeNames[predicted], e.GetProperty("predicted_name").GetString());
            Assert.Equal(_s.Labels[i], e.GetProperty("true").GetInt32());
            Assert.Equal(_s.Probabilities[i * 3 + predicted], e.GetProperty("probability").GetDouble(), 1e-6);
            Assert.Equal(predicted == _s.Labels[i], e.GetProperty("correct").GetBoolean());
            Assert.Equal(_s.Names[i], e.GetProperty("name").GetString());
        }
    }

    [Fact]
    public void JsonHoldsTheSameNumbersAsTheReport()
    {
        var root = _s.Json.RootElement;
        Assert.Equal(70, root.GetProperty("count").GetInt32());
        Assert.Equal(_s.Report.Accuracy, root.GetProperty("accuracy").GetDouble(), 1e-12);
        var rows = root.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        var m = _s.Report.ConfusionMatrix;
        for (int t = 0; t < 3; t++)
            for (int p = 0; p < 3; p++) Assert.Equal(m[t, p], rows[t][p]);
        var perClass = root.GetProperty("per_class").EnumerateArray().ToArray();
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(_s.Report.PerClass[c].Precision, perClass[c].GetProperty("precision").GetDouble(), 1e-12);
            Assert.Equal(_s.Report.PerClass[c].Recall, perClass[c].GetProperty("recall").GetDouble(), 1e-12);
            Assert.Equal(_s.Report.PerClass[c].Support, perClass[c].GetProperty("support").GetInt64());
        }
        Assert.Equal(_s.History["val_loss"].Count, root.GetProperty("history").GetProperty("val_loss").GetArrayLength());
        Assert.Equal("adam", root.GetProperty("settings")[1].GetProperty("value").GetString());
    }

    [Fact]
    public void TopLossesAreTheHighestLossesInOrder()
    {
        var top = _s.Report.TopLosses;
        Assert.Equal(9, top.Count);
        var expected = _s.Report.Losses.Select((l, i) => (l, i)).OrderByDescending(t => t.l).ThenBy(t => t.i).Take(9).Select(t => t.i);
        Assert.Equal(expected, top.Select(e => e.Index));
        foreach (var e in top)
        {
            Assert.Equal(_s.Report.Losses[e.Index], e.Loss);
            Assert.Equal(_s.Labels[e.Index], e.True);
            Assert.Equal(_s.PredictedByModel(e.Index), e.Predicted);
            Assert.Equal(_s.Names[e.Index], e.Name);
        }
        var json = _s.Json.RootElement.GetProperty("top_losses").EnumerateArray().Select(e => e.GetProperty("index").GetInt32());
        Assert.Equal(top.Select(e => e.Index), json);
    }

    [Fact]
    public void HtmlIsOneSelfContainedPageWithEverySection()
    {
        var html = _s.Html;
        foreach (var id in new[] { "summary", "curves", "predictions", "confusion-matrix", "per-class", "top-losses", "understanding", "audit", "settings", "timings" })
            Assert.Contains($"id=\"{id}\"", html);
        Assert.Equal(5, Regex.Matches(html, "<img src=\"data:image/png;base64,").Count);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Regex.Matches(html, "src=\"(?!data:image/png;base64,)"));
        // Every embedded image is the PNG saved beside the page.
        foreach (Match m in Regex.Matches(html, "data:image/png;base64,([A-Za-z0-9+/=]+)"))
        {
            using var bitmap = SKBitmap.Decode(Convert.FromBase64String(m.Groups[1].Value));
            Assert.NotNull(bitmap);
        }
        Assert.Contains("2 files were corrupt and skipped.", html);
        Assert.Contains("1.2 s", html);
        Assert.Contains("img_", html); // sample names in the top-loss table
    }

    [Fact]
    public void HtmlEscapesAllText()
    {
        Assert.Contains("Shapes &lt;test&gt; &amp; co", _s.Html);
        Assert.DoesNotContain("<test>", _s.Html);
        Assert.Contains("&lt;none&gt;", _s.Html);
    }

    [Fact]
    public void SavingAgainReplacesTheFilesAndLeavesNoTemporaries()
    {
        using var folder = new ReportFolder();
        string first = _s.Report.Save(folder.Path);
        byte[] before = File.ReadAllBytes(folder.File("report.json"));
        _s.Report.Save(folder.Path);
        Assert.Equal(before, File.ReadAllBytes(folder.File("report.json")));
        Assert.Equal(7, Directory.GetFiles(folder.Path).Length);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
        Assert.True(File.Exists(first));
    }

    [Fact]
    public void EvaluateOnlyReportHasNoCurves()
    {
        using var folder = new ReportFolder();
        var report = new Report(_s.Model, null, _s.X, _s.Y, ReportTestData.ShapeNames);
        report.Save(folder.Path);
        Assert.False(File.Exists(folder.File("curves.png")));
        var html = File.ReadAllText(folder.File("index.html"));
        Assert.Contains("No training history", html);
        Assert.Equal(3, Regex.Matches(html, "data:image/png;base64,").Count);
        Assert.Equal(_s.Report.ConfusionMatrix, report.ConfusionMatrix);
        using var json = JsonDocument.Parse(File.ReadAllText(folder.File("report.json")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("history").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("grid")[0].GetProperty("name").ValueKind);
    }

    [Fact]
    public void OneHotLabelsGiveTheSameReport()
    {
        using var oneHot = nn.functional.one_hot(_s.Y, 3).to(ScalarType.Float32);
        var report = new Report(_s.Model, _s.History, _s.X, oneHot, ReportTestData.ShapeNames);
        Assert.Equal(_s.Report.ConfusionMatrix, report.ConfusionMatrix);
        Assert.Equal(_s.Report.Labels, report.Labels);
    }

    [Fact]
    public void FewerThan25ImagesGiveASmallerGrid()
    {
        using var x = _s.X.narrow(0, 0, 7);
        using var y = _s.Y.narrow(0, 0, 7);
        var report = new Report(_s.Model, null, x, y, ReportTestData.ShapeNames, new ReportOptions { TopLossCount = 3 });
        Assert.Equal(7, report.Grid.Count);
        Assert.Equal(3, report.TopLosses.Count);
        using var folder = new ReportFolder();
        report.Save(folder.Path);
        using var grid = SKBitmap.Decode(folder.File("predictions.png"));
        Assert.Equal(ImageGridFigure.Measure(7, 5, 8, 8, 2), (grid.Width, grid.Height));
    }
}
