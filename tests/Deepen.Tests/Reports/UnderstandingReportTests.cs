using System.Text.Json;
using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Reports;
using Deepen.Tests.Data;
using Deepen.Tests.Explain;
using Deepen.Tests.Helpers;
using Deepen.Training;
using static TorchSharp.torch;

namespace Deepen.Tests.Reports;

/// <summary>
/// The report's memorization-vs-understanding section: the generalization gap and the epoch overfitting began, the
/// top losses with heatmap overlays, the most confused classes, confidently wrong examples, and the leakage audit
/// with the accuracy with and without leaked test images.
/// </summary>
[Collection(CornerModelCollection.Name)]
public class UnderstandingReportTests
{
    readonly CornerModelFixture _f;
    public UnderstandingReportTests(CornerModelFixture fixture) => _f = fixture;

    [Fact]
    public void ReportShowsGapCurveTopLossOverlaysAndMostConfusedPairs()
    {
        using var dir = new TempDir();
        var report = new Report(_f.Model, _f.History, _f.TestX, _f.TestY, CornerImages.ClassNames, new ReportOptions { TopLossCount = 6 });
        string index = report.Save(dir.Path);

        Assert.NotNull(report.Gap);
        var loss = _f.History["loss"];
        var valLoss = _f.History["val_loss"];
        Assert.Equal(loss.Count, report.Gap!.Epochs);
        for (int e = 0; e < loss.Count; e++) Assert.Equal(valLoss[e] - loss[e], report.Gap.LossGap[e], 12);
        Assert.True(File.Exists(Path.Combine(dir.Path, Report.GapFileName)));

        Assert.Equal(6, report.TopLossExplanations.Count);
        Assert.Equal(report.TopLosses.Select(e => e.Index), report.TopLossExplanations.Select(t => t.Index));
        Assert.Equal(report.TopLosses.Select(e => e.Predicted), report.TopLossExplanations.Select(t => t.TargetClass));
        Assert.Equal("gradcam++", report.ExplanationMethod);
        Assert.Equal("conv2d_1", report.ExplanationLayer);
        Assert.True(File.Exists(Path.Combine(dir.Path, Report.TopLossOverlaysFileName)));

        var root = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, Report.JsonFileName))).RootElement;
        var gap = root.GetProperty("generalization_gap");
        Assert.Equal(loss.Count, gap.GetProperty("loss_gap").GetArrayLength());
        Assert.Equal(report.Gap.BestEpoch, gap.GetProperty("best_epoch").GetInt32());
        var confused = root.GetProperty("most_confused").EnumerateArray().Select(c => (c.GetProperty("true").GetString(), c.GetProperty("predicted").GetString(), c.GetProperty("count").GetInt64())).ToArray();
        Assert.Equal(report.Summary.MostConfused().Select(c => (c.True, c.Predicted, c.Count)), confused!);
        var items = root.GetProperty("top_loss_explanations").GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(6, items.Length);
        foreach (var item in items)
        {
            Assert.InRange(item.GetProperty("peak_x").GetInt32(), 0, CornerImages.Size - 1);
            Assert.InRange(item.GetProperty("peak_y").GetInt32(), 0, CornerImages.Size - 1);
            Assert.InRange(item.GetProperty("deletion").GetProperty("explanation").GetDouble(), 0, 1);
        }
        Assert.True(root.GetProperty("figures").TryGetProperty(Report.TopLossOverlaysFileName, out _));

        string html = File.ReadAllText(index);
        foreach (var id in new[] { "understanding", "generalization-gap", "top-loss-heatmaps", "most-confused", "confidently-wrong", "leakage" })
            Assert.Contains($"id=\"{id}\"", html);
    }

    [Fact]
    public void MostConfusedAndConfidentlyWrongFollowFlippedLabels()
    {
        // Relabel the first 3 images of class 0 as class 1: the model (rightly) says class 0, confidently, so they
        // are "confidently wrong" — exactly the label-noise candidates — and (1 → 0) is the most confused pair.
        var y = _f.TestY.clone();
        var flipped = new[] { 0, 4, 8 };
        foreach (int i in flipped) y[i] = tensor(1L);
        var report = new Report(_f.Model, _f.History, _f.TestX, y, CornerImages.ClassNames);
        var top = report.MostConfused[0];
        Assert.Equal(("top_right", "top_left"), (top.True, top.Predicted));
        Assert.True(top.Count >= 3);
        Assert.Superset(report.ConfidentlyWrong.Select(e => e.Index).ToHashSet(), flipped.ToHashSet());
        Assert.All(report.ConfidentlyWrong, e => Assert.True(!e.Correct && e.Probability >= 0.9));
    }

    [Fact]
    public void OverfittingEpochIsTheLowestValidationLossWhenItRisesAfterwards()
    {
        var h = History(new[] { 1.0, 0.6, 0.4, 0.3, 0.2 }, new[] { 1.0, 0.7, 0.65, 0.8, 0.9 });
        var gap = GeneralizationGap.From(h)!;
        Assert.Equal(3, gap.BestEpoch);
        Assert.Equal(3, gap.OverfittingEpoch);
        Assert.Equal(0.9 - 0.2, gap.LossGap[^1], 12);
        Assert.Equal(0.1, gap.AccuracyGap![0], 12);

        var still = GeneralizationGap.From(History(new[] { 1.0, 0.8, 0.6 }, new[] { 1.1, 0.9, 0.7 }))!;
        Assert.Null(still.OverfittingEpoch);
        Assert.Equal(3, still.BestEpoch);
        var flat = GeneralizationGap.From(History(new[] { 1.0, 0.8, 0.6 }, new[] { 0.9, 0.7, 0.705 }))!;
        Assert.Null(flat.OverfittingEpoch);                              // a rise under 1% is noise
        Assert.Null(GeneralizationGap.From(null));
    }

    static History History(double[] loss, double[] valLoss)
    {
        var h = new History();
        for (int e = 0; e < loss.Length; e++)
            h.Append(e, new Dictionary<string, double> { ["loss"] = loss[e], ["val_loss"] = valLoss[e], ["accuracy"] = 0.9, ["val_accuracy"] = 0.8 });
        return h;
    }

    [Fact]
    public void ModelsWithoutConvolutionGetANoteInsteadOfOverlays()
    {
        var (model, history) = ReportTestData.TrainShapes();
        var (x, y) = ReportTestData.Shapes(30, seed: 9);
        using var dir = new TempDir();
        var report = new Report(model, history, x, y, ReportTestData.ShapeNames);
        report.Save(dir.Path);
        Assert.Empty(report.TopLossExplanations);
        Assert.Null(report.ExplanationMethod);
        Assert.Contains("no convolution layer", report.ExplanationNote);
        Assert.False(File.Exists(Path.Combine(dir.Path, Report.TopLossOverlaysFileName)));
        Assert.Contains("no convolution layer", File.ReadAllText(Path.Combine(dir.Path, Report.IndexFileName)));
        var explanations = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, Report.JsonFileName))).RootElement.GetProperty("top_loss_explanations");
        Assert.Equal(JsonValueKind.Null, explanations.GetProperty("method").ValueKind);
    }

    [Fact]
    public void PlantedLeakageIsFoundAndItsInflationQuantified()
    {
        // Train folder: the fixture's training images (class folders). Test folder: fresh images whose square has the
        // colour of the next class (the model gets them wrong: 0% genuine accuracy on those) plus exact copies of
        // 8 training images, which the model gets right. The audit finds the copies; the report shows the inflation.
        using var dir = new TempDir();
        string train = Path.Combine(dir.Path, "train"), test = Path.Combine(dir.Path, "test");
        var (trainX, trainY, _) = CornerImages.Make(24, seed: 1);
        var (hardX, hardY, _) = CornerImages.Make(12, seed: 5);
        for (int i = 0; i < 24; i++) WritePng(Path.Combine(train, CornerImages.ClassNames[trainY[i].item<long>()], $"train_{i:D2}.png"), trainX[i]);
        for (int i = 0; i < 12; i++)                                        // labelled as the next class: genuinely wrong
            WritePng(Path.Combine(test, CornerImages.ClassNames[(hardY[i].item<long>() + 1) % 4], $"hard_{i:D2}.png"), hardX[i]);
        for (int i = 0; i < 8; i++)
        {
            string cls = CornerImages.ClassNames[trainY[i].item<long>()];
            File.Copy(Path.Combine(train, cls, $"train_{i:D2}.png"), Path.Combine(test, cls, $"leaked_{i:D2}.png"));
        }
        var audit = DataAudit.Run(train, test);
        Assert.Equal(8, audit.OfKind(AnomalyKind.Leakage).Count);

        var flow = new ImageDataGenerator(rescale: 1.0 / 255).FlowFromDirectory(test, (CornerImages.Size, CornerImages.Size), "rgb",
            classes: CornerImages.ClassNames, classMode: "sparse", batchSize: 8, shuffle: false, audit: AuditOptions.Disabled, verbose: false);
        var report = new Report(_f.Model, _f.History, flow, CornerImages.ClassNames,
            new ReportOptions { Audit = audit, SamplePaths = flow.Filepaths, SampleNames = flow.Filenames });
        var leak = report.Leakage!;
        Assert.Equal(8, leak.LeakedCount);
        Assert.All(leak.LeakedSamples, i => Assert.StartsWith("leaked_", Path.GetFileName(flow.Filenames[i])));
        double Accuracy(IEnumerable<int> samples) => samples.Average(i => report.Predictions[i] == report.Labels[i] ? 1.0 : 0.0);
        var clean = Enumerable.Range(0, report.Count).Except(leak.LeakedSamples).ToArray();
        Assert.Equal(report.Accuracy, leak.Accuracy, 12);
        Assert.Equal(Accuracy(clean), leak.AccuracyWithoutLeaked!.Value, 12);
        Assert.Equal(Accuracy(leak.LeakedSamples), leak.AccuracyOnLeaked!.Value, 12);
        Assert.True(leak.AccuracyOnLeaked > 0.8 && leak.AccuracyWithoutLeaked < 0.3, $"on leaked {leak.AccuracyOnLeaked}, without {leak.AccuracyWithoutLeaked}");
        Assert.True(leak.Inflation > 0.25, $"inflation {leak.Inflation}");
        Assert.Equal(8, leak.LeakageFindings);

        string html = File.ReadAllText(report.Save(Path.Combine(dir.Path, "report")));
        Assert.Contains("accuracy without the leaked images", html);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "report", Report.JsonFileName))).RootElement.GetProperty("leakage");
        Assert.Equal(8, json.GetProperty("leaked_count").GetInt32());
        Assert.Equal(leak.Inflation, json.GetProperty("inflation").GetDouble(), 9);
        Assert.Equal(leak.AccuracyWithoutLeaked.Value, json.GetProperty("accuracy_without_leaked").GetDouble(), 9);
    }

    [Fact]
    public void BadUnderstandingOptionsAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Report(_f.Model, null, _f.TestX, _f.TestY, CornerImages.ClassNames,
            new ReportOptions { ExplanationMethod = "lime" }));
        Assert.Contains("gradcam", ex.Message);
        Assert.Throws<ArgumentException>(() => new Report(_f.Model, null, _f.TestX, _f.TestY, CornerImages.ClassNames,
            new ReportOptions { ConfidentlyWrongThreshold = 1.5 }));
        Assert.Throws<ArgumentException>(() => new Report(_f.Model, null, _f.TestX, _f.TestY, CornerImages.ClassNames,
            new ReportOptions { LeakedSamples = new[] { 99 } }));
        var noHistory = new Report(_f.Model, null, _f.TestX, _f.TestY, CornerImages.ClassNames);
        Assert.Null(noHistory.Gap);
        Assert.Null(noHistory.Leakage);
    }

    static void WritePng(string path, Tensor image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var v = image.contiguous().data<float>().ToArray();
        int size = (int)image.shape[0];
        byte B(float f) => (byte)Math.Clamp(Math.Round(f * 255), 0, 255);
        TestImages.Png(path, size, size, (x, y) => (B(v[(y * size + x) * 3]), B(v[(y * size + x) * 3 + 1]), B(v[(y * size + x) * 3 + 2])));
    }
}
