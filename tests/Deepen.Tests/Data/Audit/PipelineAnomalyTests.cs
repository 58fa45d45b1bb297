using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Data.Audit;

/// <summary>How iterators treat anomalies: skipped with a summary line, a JSON report, strict mode, failures during training.</summary>
public class PipelineAnomalyTests
{
    [Fact]
    public void FlowFromDirectorySkipsMarkedFilesAndPrintsOneSummaryLine()
    {
        using var folder = new AnomalyFolder();
        using var dir = new TempDir();
        string reportPath = dir.File("deepen-audit.json");
        DirectoryIterator? it = null;
        string output = TestImages.Console(() => it = new ImageDataGenerator().FlowFromDirectory(folder.Train, targetSize: (10, 12), auditReport: reportPath));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"Skipped 9 of {AnomalyFolder.TrainFiles} files: ", lines[0]);
        Assert.EndsWith($"— see {reportPath}", lines[0].TrimEnd());
        Assert.Equal($"Found {AnomalyFolder.CleanTrainFiles} images belonging to 2 classes.", lines[1].TrimEnd());
        Assert.Equal(AnomalyFolder.CleanTrainFiles, it!.Samples);
        Assert.Equal(9, AuditReport.Load(reportPath).SkippedCount);
        int seen = 0;
        foreach (var batch in it.GetBatches(0)) using (batch) seen += (int)batch.Size;
        Assert.Equal(AnomalyFolder.CleanTrainFiles, seen);
    }

    [Fact]
    public void StrictModeThrowsBeforeTrainingWithTheList()
    {
        using var folder = new AnomalyFolder();
        var e = Assert.Throws<DataAuditException>(() => new ImageDataGenerator().FlowFromDirectory(folder.Train, strict: true, auditReport: null, verbose: false));
        Assert.Contains("truncated.jpg", e.Message);
        Assert.Contains("empty.png", e.Message);
        Assert.Contains("strict: false", e.Message);
        Assert.Equal(9, e.Report.SkippedCount);
    }

    [Fact]
    public void ReportPathCanBeDisabledAndMoved()
    {
        using var folder = new AnomalyFolder();
        using var dir = new TempDir();
        string moved = dir.File("reports/audit.json");
        new ImageDataGenerator().FlowFromDirectory(folder.Train, auditReport: moved, verbose: false);
        Assert.True(File.Exists(moved));
        var before = Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).Length;
        new ImageDataGenerator().FlowFromDirectory(folder.Train, auditReport: null, verbose: false);
        Assert.Equal(before, Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void TrainAndTestReportsWrittenToOnePathAreMerged()
    {
        using var folder = new AnomalyFolder();
        using var dir = new TempDir();
        string path = dir.File("deepen-audit.json");
        new ImageDataGenerator().FlowFromDirectory(folder.Train, auditReport: path, verbose: false);
        var test = new ImageDataGenerator().FlowFromDirectory(folder.Test, auditReport: path, verbose: false,
            audit: new AuditOptions { ReferenceDirectory = folder.Train });
        var merged = AuditReport.Load(path);
        Assert.Equal(2, merged.Directories.Count);
        Assert.Contains(merged.Entries, e => e.Kind == AnomalyKind.Leakage);
        Assert.Contains(merged.Entries, e => e.Kind == AnomalyKind.ZeroByte);
        Assert.Equal(2, test.Samples);
    }

    [Fact]
    public void AuditCanBeDisabled()
    {
        using var dir = new TempDir();
        TestImages.Png(dir.File("a/1.png"), 8, 8, TestImages.Pattern(1));
        File.Copy(dir.File("a/1.png"), dir.File("a/2.png"));
        var it = new ImageDataGenerator().FlowFromDirectory(dir.Path, auditReport: null, audit: AuditOptions.Disabled, verbose: false);
        Assert.Equal(2, it.Samples);
        Assert.True(it.AuditReport.IsClean);
    }

    [Fact]
    public void FileThatBreaksDuringTrainingIsSkippedAndReported()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 6; i++)
        {
            TestImages.Png(dir.File($"data/a/{i}.png"), 16, 16, TestImages.Pattern(i));
            TestImages.Png(dir.File($"data/b/{i}.png"), 16, 16, TestImages.Pattern(50 + i));
        }
        string reportPath = dir.File("audit.json");
        var it = new ImageDataGenerator(rescale: 1 / 255.0).FlowFromDirectory(dir.File("data"), targetSize: (16, 16), classMode: "binary",
            batchSize: 4, shuffle: false, auditReport: reportPath, verbose: false);
        Assert.Equal(12, it.Samples);
        // Files break after the audit: one truncated, one deleted.
        var bytes = File.ReadAllBytes(dir.File("data/a/1.png"));
        File.WriteAllBytes(dir.File("data/a/1.png"), bytes[..(bytes.Length / 3)]);
        File.Delete(dir.File("data/b/2.png"));

        int samples = 0;
        string output = TestImages.Console(() =>
        {
            foreach (var batch in it.GetBatches(0)) using (batch) samples += (int)batch.Size;
        });
        Assert.Equal(10, samples);
        Assert.Contains("Warning: skipped a/1.png in epoch 1", output.Replace('\\', '/'));
        Assert.Contains("b/2.png", output.Replace('\\', '/'));
        var training = it.AuditReport.Entries.Where(e => e.Stage == "training").ToList();
        Assert.Equal(2, training.Count);
        Assert.Contains(training, e => e.Kind is AnomalyKind.Truncated or AnomalyKind.Corrupt);
        Assert.Contains(training, e => e.Kind == AnomalyKind.Unreadable);
        Assert.Equal(2, AuditReport.Load(reportPath).Entries.Count(e => e.Stage == "training"));

        // Later epochs skip them silently.
        output = TestImages.Console(() => { foreach (var batch in it.GetBatches(1)) batch.Dispose(); });
        Assert.DoesNotContain("Warning", output);
    }

    [Fact]
    public void ModelTrainsOnAFolderFullOfAnomaliesWithoutCrashing()
    {
        using var folder = new AnomalyFolder();
        Backend.SetRandomSeed(1);
        var train = new ImageDataGenerator(rescale: 1 / 255.0, horizontalFlip: true, zoomRange: 0.1)
            .FlowFromDirectory(folder.Train, targetSize: (10, 12), classMode: "binary", batchSize: 4, seed: 1, auditReport: null, verbose: false);
        var model = new Sequential(new Flatten(inputShape: (10, 12, 3)), new Dense(1, activation: "sigmoid"));
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: new[] { "accuracy" });
        var history = model.Fit(train, epochs: 2, verbose: 0);
        Assert.Equal(2, history.Epochs.Count);
        Assert.True(double.IsFinite(history["loss"][^1]));
    }
}
