using System.Text.Json;
using Deepen.Reports;
using SkiaSharp;

namespace Deepen.Tests.Reports;

/// <summary>A one-unit sigmoid model on RGB images with [N, 1] float 0/1 labels.</summary>
public class BinaryReportTests
{
    [Fact]
    public void SigmoidModelReportsTwoClassesFromTheThresholdedProbability()
    {
        var (model, history) = ReportTestData.TrainRedOrBlue();
        var (x, y) = ReportTestData.RedOrBlue(40, seed: 5);
        var report = new Report(model, history, x, y, ["blue", "red"]);

        using var predicted = model.Predict(x);
        var p = ReportTestData.Values(predicted);
        var labels = ReportTestData.Values(y).Select(v => (int)v).ToArray();
        Assert.True(report.IsBinary);
        Assert.Equal(40, report.Count);
        Assert.Equal(labels, report.Labels);
        Assert.Equal(p.Select(v => v > 0.5 ? 1 : 0), report.Predictions);
        var expected = new long[2, 2];
        for (int i = 0; i < 40; i++)
        {
            expected[labels[i], p[i] > 0.5 ? 1 : 0]++;
            Assert.Equal(1 - p[i], report.Probabilities(i)[0], 1e-6);
            Assert.Equal(p[i], report.Probabilities(i)[1], 1e-6);
            double bce = -(labels[i] * Math.Log(Math.Clamp(p[i], 1e-7, 1 - 1e-7)) + (1 - labels[i]) * Math.Log(Math.Clamp(1 - p[i], 1e-7, 1 - 1e-7)));
            Assert.Equal(bce, report.Losses[i], 1e-5);
        }
        Assert.Equal(expected, report.ConfusionMatrix);
        Assert.Equal(40L, report.ConfusionMatrix.Cast<long>().Sum());

        using var folder = new ReportFolder();
        report.Save(folder.Path);
        using var json = JsonDocument.Parse(File.ReadAllText(folder.File("report.json")));
        Assert.True(json.RootElement.GetProperty("binary").GetBoolean());
        var grid = json.RootElement.GetProperty("grid").EnumerateArray().ToArray();
        Assert.Equal(25, grid.Length);
        for (int i = 0; i < 25; i++)
        {
            int cls = p[i] > 0.5 ? 1 : 0;
            Assert.Equal(cls, grid[i].GetProperty("predicted").GetInt32());
            Assert.Equal(cls == 1 ? p[i] : 1 - p[i], grid[i].GetProperty("probability").GetDouble(), 1e-6);
        }
        foreach (var name in new[] { "curves.png", "predictions.png", "confusion_matrix.png", "top_losses.png" })
        {
            using var bitmap = SKBitmap.Decode(folder.File(name));
            Assert.NotNull(bitmap);
        }
    }
}
