using Deepen.Data.Text;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Data.Text;

public class TextLimitsTests
{
    static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>12 MiB here (the 200 MB case, with its peak memory, is in scripts/memory-bombs.sh): over the 10 MiB limit, so never read.</summary>
    [Fact]
    public void AOneLineFileOverTheSizeLimitIsSkippedUnreadWithItsReason()
    {
        using var dir = new TempDir();
        Bombs.OneLineText(dir.File("train/big/huge.txt"), 12L << 20);
        Write(dir.File("train/big/ok.txt"), "a small text");
        Write(dir.File("train/small/ok.txt"), "another small text");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var data = TextDatasetUtils.TextDatasetFromDirectory(dir.File("train"), verbose: false);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4L << 20, "the file was read");
        Assert.Equal(2, data.Count);
        var skipped = Assert.Single(data.Skipped);
        Assert.EndsWith("huge.txt", skipped.Path);
        Assert.Contains("too large (12,582,912 bytes", skipped.Reason);
    }

    [Fact]
    public void AFileWithALineLongerThanTheLimitIsSkipped()
    {
        using var dir = new TempDir();
        Bombs.OneLineText(dir.File("train/a/long.txt"), 2_000_000);              // under the size limit, one 2M-character line
        Write(dir.File("train/a/ok.txt"), "fine\nshort lines");
        Write(dir.File("train/b/ok.txt"), "fine too");
        var data = TextDatasetUtils.TextDatasetFromDirectory(dir.File("train"), verbose: false);
        var skipped = Assert.Single(data.Skipped);
        Assert.Contains("a line of 2,000,000 characters", skipped.Reason);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("ab\nabcd\nc", 4)]
    [InlineData("abcde\n", 5)]
    public void LongestLineCountsCharactersBetweenNewlines(string text, int expected) => Assert.Equal(expected, TextLimits.LongestLine(text));
}
