using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Data.Audit;

public class DataAuditTests
{
    static AuditEntry Single(AuditReport report, string fileName) =>
        Assert.Single(report.Entries, e => Path.GetFileName(e.Path) == fileName);

    [Fact]
    public void EveryAnomalyKindIsReportedWithItsReason()
    {
        using var folder = new AnomalyFolder();
        var report = DataAudit.Run(folder.Train, folder.Test);

        var empty = Single(report, "empty.png");
        Assert.Equal(AnomalyKind.ZeroByte, empty.Kind);
        Assert.Contains("empty", empty.Reason);

        var text = Single(report, "notes.jpg");
        Assert.Equal(AnomalyKind.NotAnImage, text.Kind);
        Assert.Contains("looks like text", text.Reason);
        Assert.Contains("hello", text.Reason);

        var truncated = Single(report, "truncated.jpg");
        Assert.Equal(AnomalyKind.Truncated, truncated.Kind);
        Assert.Contains("end", truncated.Reason);

        var corrupt = Single(report, "corrupt.jpg");
        Assert.Equal(AnomalyKind.Corrupt, corrupt.Kind);
        Assert.Contains("JPEG", corrupt.Reason);

        var tiny = Single(report, "tiny.png");
        Assert.Equal(AnomalyKind.ExtremeSize, tiny.Kind);
        Assert.Contains("3x3", tiny.Reason);

        var gray = Single(report, "gray.png");
        Assert.Equal(AnomalyKind.UnexpectedChannels, gray.Kind);
        Assert.Contains("1 channel", gray.Reason);
        Assert.Contains("expected 3", gray.Reason);

        var duplicate = Single(report, "c0_copy.png");
        Assert.Equal(AnomalyKind.Duplicate, duplicate.Kind);
        Assert.Equal(folder.In("cats", "c0.png"), duplicate.RelatedPath);
        Assert.Equal("cats", duplicate.Class);

        var conflictCat = Single(report, "c1.png");
        var conflictDog = Single(report, "looks_like_c1.png");
        Assert.Equal(AnomalyKind.LabelConflict, conflictCat.Kind);
        Assert.Equal(AnomalyKind.LabelConflict, conflictDog.Kind);
        Assert.Contains("\"dogs\"", conflictCat.Reason);
        Assert.Equal(conflictDog.Path, conflictCat.RelatedPath);

        var leak = Single(report, "leaked.png");
        Assert.Equal(AnomalyKind.Leakage, leak.Kind);
        Assert.Equal(folder.In("cats", "c2.png"), leak.RelatedPath);

        Assert.Equal(AnomalyFolder.TrainFiles + 3, report.FilesScanned);
        Assert.Equal(10, report.SkippedCount);
        Assert.All(report.Entries, e => Assert.True(e.Skipped));
        Assert.DoesNotContain(report.Entries, e => e.Path.Contains(".hidden") || e.Path.Contains(".thumbnails") || e.Path.Contains(".cache") || e.Path.EndsWith(".txt"));
    }

    [Fact]
    public void CleanFilesAreNotMarked()
    {
        using var folder = new AnomalyFolder();
        var report = DataAudit.Run(folder.Train);
        foreach (var name in new[] { "c0.png", "c2.png", "c3.png", "c4.png", "d0.png", "good.jpg" })
            Assert.DoesNotContain(report.Entries, e => Path.GetFileName(e.Path) == name);
        Assert.Equal(AnomalyFolder.TrainFiles, report.FilesScanned);
        Assert.Equal(AnomalyFolder.TrainFiles - AnomalyFolder.CleanTrainFiles, report.SkippedCount);
    }

    [Fact]
    public void ReportRoundTripsThroughJson()
    {
        using var folder = new AnomalyFolder();
        using var dir = new TempDir();
        var report = DataAudit.Run(folder.Train, folder.Test);
        string path = dir.File("sub/audit.json");
        report.Save(path);
        string json = File.ReadAllText(path);
        Assert.Contains("\"kind\": \"label-conflict\"", json);
        Assert.Contains("\"zero-byte\": 1", json);
        Assert.Contains("\"relatedPath\"", json);
        var back = AuditReport.Load(path);
        Assert.Equal(report.FilesScanned, back.FilesScanned);
        Assert.Equal(report.Entries, back.Entries);
        Assert.Equal(report.Directories, back.Directories);
    }

    [Fact]
    public void SummaryNamesCountsPerKind()
    {
        using var folder = new AnomalyFolder();
        var summary = DataAudit.Run(folder.Train).Summary();
        Assert.StartsWith($"Skipped 9 of {AnomalyFolder.TrainFiles} files: ", summary);
        Assert.Contains("1 zero-byte", summary);
        Assert.Contains("1 not-an-image", summary);
        Assert.Contains("1 truncated", summary);
        Assert.Contains("1 corrupt", summary);
        Assert.Contains("1 duplicate", summary);
        Assert.Contains("2 label-conflict", summary);
    }

    [Fact]
    public void OptionsChangeThresholdsAndSkips()
    {
        using var folder = new AnomalyFolder();
        var report = DataAudit.Run(folder.Train, new AuditOptions
        {
            MinSide = 2, ExpectedChannels = new[] { 1, 3 },
            SkipKinds = new HashSet<AnomalyKind> { AnomalyKind.ZeroByte },
        });
        Assert.DoesNotContain(report.Entries, e => e.Kind is AnomalyKind.ExtremeSize or AnomalyKind.UnexpectedChannels);
        Assert.True(Assert.Single(report.OfKind(AnomalyKind.ZeroByte)).Skipped);
        Assert.False(Assert.Single(report.OfKind(AnomalyKind.Corrupt)).Skipped);
        Assert.Contains("kept but marked", report.Summary());
    }

    [Fact]
    public void FullDecodeFindsCorruptionInsideAFileWithAValidEnd()
    {
        using var dir = new TempDir();
        string path = TestImages.Png(dir.File("a/x.png"), 32, 32, TestImages.Pattern(3));
        TestImages.Png(dir.File("a/y.png"), 32, 32, TestImages.Pattern(4));
        var bytes = File.ReadAllBytes(path);
        for (int i = 60; i < bytes.Length - 20; i++) bytes[i] ^= 0x5A;           // scramble the IDAT data, keep IEND
        File.WriteAllBytes(path, bytes);
        var fast = DataAudit.Run(dir.Path);
        var full = DataAudit.Run(dir.Path, new AuditOptions { FullDecode = true });
        // The fast audit reads headers and the file's end, which are intact, so it passes the file; only the full
        // decode finds the damage. The untouched file passes both.
        Assert.DoesNotContain(fast.Entries, e => e.Path == path);
        var found = Assert.Single(full.Entries);
        Assert.Equal(path, found.Path);
        Assert.True(found.Kind is AnomalyKind.Corrupt or AnomalyKind.Truncated, $"kind {found.Kind}");
        Assert.Equal(2, fast.FilesScanned);
        Assert.Equal(2, full.FilesScanned);
    }

    [Fact]
    public void InvalidOptionsNameTheArgument()
    {
        using var folder = new AnomalyFolder();
        var e = Assert.Throws<ArgumentException>(() => DataAudit.Run(folder.Train, new AuditOptions { MinSide = 0 }));
        Assert.Contains("MinSide", e.Message);
        var missing = Assert.Throws<ArgumentException>(() => DataAudit.Run(Path.Combine(folder.Root, "nope")));
        Assert.Contains("directory", missing.Message);
        Assert.Contains("nope", missing.Message);
    }
}
