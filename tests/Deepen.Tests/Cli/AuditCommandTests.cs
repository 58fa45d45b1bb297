using System.Text.Json;
using Deepen.Tests.Data;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Cli;

/// <summary><c>deepen audit</c> on a folder with one file of every anomaly kind (<see cref="AnomalyFolder"/>) and on clean folders.</summary>
public class AuditCommandTests
{
    /// <summary>The marked files of <see cref="AnomalyFolder"/>'s training folder and their kinds.</summary>
    static readonly Dictionary<string, string> MarkedTrainFiles = new()
    {
        ["c0_copy.png"] = "duplicate",
        ["c1.png"] = "label-conflict",
        ["looks_like_c1.png"] = "label-conflict",
        ["corrupt.jpg"] = "corrupt",
        ["empty.png"] = "zero-byte",
        ["notes.jpg"] = "not-an-image",
        ["truncated.jpg"] = "truncated",
        ["tiny.png"] = "extreme-size",
        ["gray.png"] = "unexpected-channels",
    };

    static Dictionary<string, JsonElement> EntriesByFile(JsonElement json) =>
        json.GetProperty("entries").EnumerateArray().ToDictionary(e => Path.GetFileName(e.GetProperty("path").GetString()!));

    [Fact]
    public void JsonListsEveryMarkedFileWithItsKindAndIgnoresHiddenFiles()
    {
        using var folder = new AnomalyFolder();
        var r = DeepenRunner.Expect(0, "audit", folder.Train, "--json");
        var json = r.Json();
        Assert.Equal(AnomalyFolder.TrainFiles, json.GetProperty("filesScanned").GetInt32());
        var entries = EntriesByFile(json);
        Assert.Equal(MarkedTrainFiles.Keys.Order(StringComparer.Ordinal), entries.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, kind) in MarkedTrainFiles)
        {
            Assert.Equal(kind, entries[file].GetProperty("kind").GetString());
            Assert.False(string.IsNullOrWhiteSpace(entries[file].GetProperty("reason").GetString()));
        }
        Assert.Equal(folder.In("cats", "c0.png"), entries["c0_copy.png"].GetProperty("relatedPath").GetString());
        Assert.Equal(AnomalyFolder.TrainFiles - AnomalyFolder.CleanTrainFiles, json.GetProperty("skipped").GetInt32());
        Assert.Equal(2, json.GetProperty("counts").GetProperty("label-conflict").GetInt32());
        Assert.DoesNotContain(entries.Values, e => e.GetProperty("path").GetString()!.Contains("/."));
    }

    [Fact]
    public void AgainstReportsTestImagesThatAreAlsoInTheAuditedFolder()
    {
        using var folder = new AnomalyFolder();
        var json = DeepenRunner.Expect(0, "audit", folder.Train, "--against", folder.Test, "--json").Json();
        var leak = Assert.Single(json.GetProperty("entries").EnumerateArray(), e => e.GetProperty("kind").GetString() == "leakage");
        Assert.Equal(Path.Combine(folder.Test, "cats", "leaked.png"), leak.GetProperty("path").GetString());
        Assert.Equal(folder.In("cats", "c2.png"), leak.GetProperty("relatedPath").GetString());
        Assert.Equal(AnomalyFolder.TrainFiles + 3, json.GetProperty("filesScanned").GetInt32());
        Assert.Equal(new[] { folder.Train, folder.Test }, json.GetProperty("directories").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void TextOutputHasTheSummaryAndOneLinePerMarkedFile()
    {
        using var folder = new AnomalyFolder();
        var r = DeepenRunner.Expect(0, "audit", folder.Train, "--against", folder.Test);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.StartsWith($"Skipped 10 of {AnomalyFolder.TrainFiles + 3} files: ", lines[0]);
        // Each line: kind, path, "(same as PATH)" for copies, then ": reason".
        var marked = lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(t => Path.GetFileName(t[1].TrimEnd(':')), t => t[0]);
        var expected = MarkedTrainFiles.Append(KeyValuePair.Create("leaked.png", "leakage")).ToDictionary();
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), marked.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Contains(lines, l => l.Contains($"leaked.png  (same as {folder.In("cats", "c2.png")}): "));
    }

    [Fact]
    public void StrictExitsFourWhenFilesAreMarkedAndZeroWhenClean()
    {
        using var folder = new AnomalyFolder();
        Assert.NotEmpty(DeepenRunner.Expect(4, "audit", folder.Train, "--strict").Out);
        using var clean = new TempDir();
        ClassImages.Write(Path.Combine(clean.Path, "train"), new[] { "a", "b" }, 4, seed: 9);
        ClassImages.Write(Path.Combine(clean.Path, "test"), new[] { "a", "b" }, 2, seed: 10);
        var r = DeepenRunner.Expect(0, "audit", Path.Combine(clean.Path, "train"), "--against", Path.Combine(clean.Path, "test"), "--strict");
        Assert.Equal("No anomalies in 12 files", r.Out.Trim());
        var json = DeepenRunner.Expect(0, "audit", Path.Combine(clean.Path, "train"), "--strict", "--json").Json();
        Assert.Equal(0, json.GetProperty("entries").GetArrayLength());
        // A leaked copy alone makes the strict audit fail.
        File.Copy(Path.Combine(clean.Path, "train", "a", "a_00.png"), Path.Combine(clean.Path, "test", "a", "copy.png"));
        DeepenRunner.Expect(4, "audit", Path.Combine(clean.Path, "train"), "--against", Path.Combine(clean.Path, "test"), "--strict");
    }

    // ---- bad arguments ----

    [Fact]
    public void MissingOrUnknownArgumentsExitTwo()
    {
        using var dir = new TempDir();
        DeepenRunner.ExpectError(2, new[] { "audit" }, "DIR");
        DeepenRunner.ExpectError(2, new[] { "audit", dir.Path, "--bogus" }, "--bogus");
        DeepenRunner.ExpectError(2, new[] { "audit", dir.Path, "--against" }, "--against");
    }

    [Fact]
    public void MissingFoldersExitThree()
    {
        using var dir = new TempDir();
        string missing = dir.File("nowhere");
        DeepenRunner.ExpectError(3, new[] { "audit", missing }, "DIR", missing);
        DeepenRunner.ExpectError(3, new[] { "audit", dir.Path, "--against", missing }, "--against", missing);
        string file = dir.File("x.png");
        File.WriteAllText(file, "x");
        DeepenRunner.ExpectError(3, new[] { "audit", file }, "DIR", file, "is a file");
    }
}
