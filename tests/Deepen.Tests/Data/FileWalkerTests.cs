using Deepen.Data;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Data;

public class FileWalkerTests
{
    static string Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        return path;
    }

    [Fact]
    public void WalksInKerasOrderSkippingHiddenNames()
    {
        using var dir = new TempDir();
        Touch(dir.File("b/2.txt")); Touch(dir.File("b/1.txt")); Touch(dir.File("a.txt")); Touch(dir.File(".hidden/3.txt")); Touch(dir.File("b/.4.txt"));
        var files = FileWalker.FilesUnder(dir.Path, followLinks: false, _ => true).Select(p => Path.GetRelativePath(dir.Path, p)).ToArray();
        Assert.Equal(new[] { "a.txt", Path.Combine("b", "1.txt"), Path.Combine("b", "2.txt") }, files);
    }

    [Fact]
    public async Task LinkCyclesAreCutAndEachFileListedOnce()
    {
        using var dir = new TempDir();
        Touch(dir.File("top.txt")); Touch(dir.File("a/mid.txt")); Touch(dir.File("a/b/deep.txt"));
        Directory.CreateSymbolicLink(dir.File("a/b/up"), dir.File("a"));        // a loop two levels deep
        Directory.CreateSymbolicLink(dir.File("a/root"), dir.Path);             // a loop to the top
        Directory.CreateSymbolicLink(dir.File("x"), dir.File("y"));             // two links pointing at each other
        Directory.CreateSymbolicLink(dir.File("y"), dir.File("x"));
        // x and y resolve to nothing (a dangling cycle): they are not folders, and the filter leaves them out.
        var files = await Task.Run(() => FileWalker.FilesUnder(dir.Path, followLinks: true, f => f.EndsWith(".txt")).Select(Path.GetFileName).ToArray())
            .WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(new[] { "deep.txt", "mid.txt", "top.txt" }, files.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void ALinkedFolderIsFollowedOnlyWhenAsked()
    {
        using var dir = new TempDir();
        using var other = new TempDir();
        Touch(Path.Combine(other.Path, "outside.txt"));
        Touch(dir.File("inside.txt"));
        Directory.CreateSymbolicLink(dir.File("linked"), other.Path);
        Assert.Equal(new[] { "inside.txt" }, FileWalker.FilesUnder(dir.Path, false, _ => true).Select(Path.GetFileName).ToArray());
        Assert.Equal(new[] { "inside.txt", "outside.txt" }, FileWalker.FilesUnder(dir.Path, true, _ => true).Select(Path.GetFileName).ToArray());
    }
}
