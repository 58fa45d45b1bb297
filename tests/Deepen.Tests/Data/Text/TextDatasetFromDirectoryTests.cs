using System.Text;
using Deepen.Data.Text;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Data.Text;

public class TextDatasetFromDirectoryTests
{
    /// <summary>Class folders "pos" and "neg" (written in that order) with <paramref name="perClass"/> texts each.</summary>
    static TempDir Folder(int perClass, params string[] classes)
    {
        var dir = new TempDir();
        foreach (var c in classes.Length == 0 ? new[] { "pos", "neg" } : classes)
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, c));
            for (int i = 0; i < perClass; i++) File.WriteAllText(Path.Combine(dir.Path, c, $"{i:D3}.txt"), $"{c} text number {i}");
        }
        return dir;
    }

    static TextDataset Read(string path, string? labelMode = "int", bool shuffle = false, int? seed = null,
        double? split = null, string? subset = null, int? maxLength = null, IReadOnlyList<string>? classNames = null) =>
        TextDatasetUtils.TextDatasetFromDirectory(path, labelMode, classNames, maxLength: maxLength, shuffle: shuffle, seed: seed,
            validationSplit: split, subset: subset, verbose: false);

    [Fact]
    public void ClassesAreTheSubfoldersInOrdinalOrderAndTextsKeepTheirLabels()
    {
        using var dir = Folder(3, "pos", "neg", "Zeta");
        File.WriteAllText(Path.Combine(dir.Path, "neg", "notes.md"), "not a .txt file");
        File.WriteAllText(Path.Combine(dir.Path, "neg", ".hidden.txt"), "hidden");
        Directory.CreateDirectory(Path.Combine(dir.Path, ".git"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "pos", "more"));
        File.WriteAllText(Path.Combine(dir.Path, "pos", "more", "UPPER.TXT"), "pos nested");
        var data = Read(dir.Path);
        Assert.Equal(new[] { "Zeta", "neg", "pos" }, data.ClassNames);
        Assert.Equal(10, data.Count);
        Assert.Equal("Zeta text number 0", data.Texts[0]);
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1, 2, 2, 2, 2 }, data.Labels);
        Assert.Equal("pos nested", data.Texts[^1]);                   // subfolders come after the folder's own files
        Assert.All(Enumerable.Range(0, data.Count), i => Assert.StartsWith(data.ClassNames[data.Labels![i]], data.Texts[i]));
    }

    [Fact]
    public void PrintsWhatItFoundAndUses()
    {
        using var dir = Folder(5);
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try { TextDatasetUtils.TextDatasetFromDirectory(dir.Path, validationSplit: 0.2, subset: "validation", seed: 1); }
        finally { Console.SetOut(previous); }
        Assert.Equal("Found 10 files belonging to 2 classes.\nUsing 2 files for validation.\n", output.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void GivenClassNamesChooseAndOrderTheClasses()
    {
        using var dir = Folder(2, "a", "b", "c");
        var data = Read(dir.Path, classNames: new[] { "c", "a" });
        Assert.Equal(new[] { "c", "a" }, data.ClassNames);
        Assert.Equal(new[] { "c text number 0", "c text number 1", "a text number 0", "a text number 1" }, data.Texts);
        Assert.Contains("classNames", Assert.Throws<ArgumentException>(() => Read(dir.Path, classNames: new[] { "a", "x" })).Message);
    }

    [Fact]
    public void ValidationSplitIsDisjointCompleteAndRepeatable()
    {
        using var dir = Folder(25);
        var train = Read(dir.Path, shuffle: true, seed: 7, split: 0.2, subset: "training");
        var val = Read(dir.Path, shuffle: true, seed: 7, split: 0.2, subset: "validation");
        Assert.Equal(40, train.Count);
        Assert.Equal(10, val.Count);
        Assert.Empty(train.FilePaths!.Intersect(val.FilePaths!));
        Assert.Equal(50, train.FilePaths!.Union(val.FilePaths!).Count());
        Assert.Equal(train.Texts, Read(dir.Path, shuffle: true, seed: 7, split: 0.2, subset: "training").Texts);
        Assert.NotEqual(val.FilePaths, Read(dir.Path, shuffle: true, seed: 8, split: 0.2, subset: "validation").FilePaths);
        Assert.True(val.Labels!.Distinct().Count() == 2, "a shuffled split should hold both classes");
    }

    [Fact]
    public void LabelModesGiveKerasTargets()
    {
        using var dir = Folder(2);
        using var ints = Read(dir.Path, "int").LabelTensor();
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, ints.dtype);
        Assert.Equal(new long[] { 0, 0, 1, 1 }, ints.data<long>().ToArray());
        using var binary = Read(dir.Path, "binary").LabelTensor();
        Assert.Equal(new float[] { 0, 0, 1, 1 }, binary.data<float>().ToArray());
        using var oneHot = Read(dir.Path, "categorical").LabelTensor();
        Assert.Equal(new long[] { 4, 2 }, oneHot.shape);
        Assert.Equal(new float[] { 1, 0, 1, 0, 0, 1, 0, 1 }, oneHot.data<float>().ToArray());
        var none = Read(dir.Path, null);
        Assert.Null(none.Labels);
        Assert.Throws<InvalidOperationException>(() => none.LabelTensor());
        using var three = Folder(1, "a", "b", "c");
        Assert.Contains("binary", Assert.Throws<ArgumentException>(() => Read(three.Path, "binary")).Message);
    }

    [Fact]
    public void MaxLengthCutsTexts()
    {
        using var dir = Folder(1);
        Assert.All(Read(dir.Path, maxLength: 6).Texts, t => Assert.Equal(6, t.Length));
    }

    [Fact]
    public void UnusableFilesAreReportedAndSkippedNeverFatal()
    {
        using var dir = Folder(2);
        string neg = Path.Combine(dir.Path, "neg");
        File.WriteAllBytes(Path.Combine(neg, "latin1.txt"), new byte[] { 0x63, 0x61, 0x66, 0xE9, 0x20, 0x21 });   // "café !" in Latin-1
        File.WriteAllBytes(Path.Combine(neg, "empty.txt"), Array.Empty<byte>());
        File.WriteAllText(Path.Combine(neg, "blank.txt"), " \n\t ");
        File.WriteAllBytes(Path.Combine(neg, "binary.txt"), new byte[] { 0x50, 0x4B, 0x00, 0x03 });
        File.WriteAllBytes(Path.Combine(neg, "bom.txt"), Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("café")).ToArray());
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        TextDataset data;
        try { data = TextDatasetUtils.TextDatasetFromDirectory(dir.Path, shuffle: false); }
        finally { Console.SetOut(previous); }
        Assert.Equal(5, data.Count);
        Assert.Contains("café", data.Texts);
        var reasons = data.Skipped.ToDictionary(s => Path.GetFileName(s.Path), s => s.Reason);
        Assert.Equal(4, reasons.Count);
        Assert.StartsWith("not valid UTF-8", reasons["latin1.txt"]);
        Assert.StartsWith("empty", reasons["empty.txt"]);
        Assert.StartsWith("empty", reasons["blank.txt"]);
        Assert.StartsWith("binary", reasons["binary.txt"]);
        string printed = output.ToString();
        Assert.Contains("Found 5 files belonging to 2 classes.", printed);
        Assert.Contains("Skipped 4 files", printed);
        Assert.Contains("latin1.txt: not valid UTF-8", printed);
    }

    [Fact]
    public void UnreadableFilesAreSkipped()
    {
        // Made unreadable in ways that also stop root (CI runs as root, and file permissions do not stop root): a file
        // another stream holds open with FileShare.None (a sharing violation on Windows, an exclusive lock on Unix), and
        // on Unix a symbolic link whose target is gone.
        using var dir = Folder(1);
        string locked = Path.Combine(dir.Path, "pos", "locked.txt");
        File.WriteAllText(locked, "secret");
        var expected = new List<string> { "locked.txt" };
        if (!OperatingSystem.IsWindows())
        {
            File.CreateSymbolicLink(Path.Combine(dir.Path, "neg", "dangling.txt"), Path.Combine(dir.Path, "gone.txt"));
            expected.Add("dangling.txt");
        }
        TextDataset data;
        using (new FileStream(locked, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            data = Read(dir.Path);
        Assert.Equal(2, data.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), data.Skipped.Select(s => Path.GetFileName(s.Path)).Order(StringComparer.Ordinal));
        Assert.All(data.Skipped, s => Assert.StartsWith("unreadable", s.Reason));
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        using var dir = Folder(2);
        Assert.Contains("directory", Assert.Throws<ArgumentException>(() => Read(Path.Combine(dir.Path, "nope"))).Message);
        Assert.Contains("labelMode", Assert.Throws<ArgumentException>(() => Read(dir.Path, "sparse")).Message);
        Assert.Contains("seed", Assert.Throws<ArgumentException>(() => Read(dir.Path, shuffle: true, split: 0.2, subset: "training")).Message);
        Assert.Contains("subset", Assert.Throws<ArgumentException>(() => Read(dir.Path, split: 0.2)).Message);
        Assert.Contains("subset", Assert.Throws<ArgumentException>(() => Read(dir.Path, subset: "training")).Message);
        Assert.Contains("validationSplit", Assert.Throws<ArgumentException>(() => Read(dir.Path, split: 1.5, subset: "training")).Message);
        using var empty = new TempDir();
        Assert.Contains("no subfolders", Assert.Throws<ArgumentException>(() => Read(empty.Path)).Message);
        Directory.CreateDirectory(Path.Combine(empty.Path, "a"));
        Assert.Contains("no usable", Assert.Throws<ArgumentException>(() => Read(empty.Path)).Message);
    }
}
