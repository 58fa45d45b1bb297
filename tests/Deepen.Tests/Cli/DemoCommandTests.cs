using Deepen.Cli.Commands;
using Deepen.Tests.Helpers;
using SkiaSharp;

namespace Deepen.Tests.Cli;

/// <summary>
/// <c>deepen demo</c>. The whole demo trains for about two minutes, too long for the test suite, so these tests check
/// the bundled dataset it writes and its argument checks.
/// </summary>
public class DemoCommandTests
{
    /// <summary>
    /// A temporary folder in memory (/dev/shm) where there is one: creating 5,600 files on this machine's disk costs
    /// about 1.4 ms of kernel time each (~8 s), in memory a few µs.
    /// </summary>
    sealed class MemoryTempDir : IDisposable
    {
        public MemoryTempDir()
        {
            string root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
            Path = System.IO.Path.Combine(root, "deepen-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }
        public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
    }

    [Fact]
    public void WriteDatasetWritesTheBundledSampleAsGrey28x28PngsInClassFolders()
    {
        using var dir = new MemoryTempDir();
        int written = DemoCommand.WriteDataset(dir.Path);
        Assert.Equal(5_600, written);
        Assert.Equal(new[] { "test", "train" }, Directory.GetDirectories(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var expectedFolders = new[] { "tshirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot" };
        Assert.Equal(expectedFolders, DemoCommand.ClassFolders);
        foreach (var (split, count) in new[] { ("train", 4_600), ("test", 1_000) })
        {
            string root = Path.Combine(dir.Path, split);
            Assert.Equal(expectedFolders.Order(StringComparer.Ordinal), Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
            Assert.Equal(count, files.Length);
            // Numbered in data order, every number once.
            Assert.Equal(Enumerable.Range(0, count).Select(i => $"{split}_{i:D5}.png"), files.Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.All(expectedFolders, f => Assert.True(Directory.GetFiles(Path.Combine(root, f)).Length >= count / 20, $"{split}/{f} has too few images"));
            foreach (var file in files)
            {
                using var codec = SKCodec.Create(file);
                Assert.True(codec is not null, $"{file} is not an image");
                Assert.Equal(SKEncodedImageFormat.Png, codec!.EncodedFormat);
                Assert.Equal((28, 28), (codec.Info.Width, codec.Info.Height));
                Assert.Equal(SKColorType.Gray8, codec.Info.ColorType);
            }
        }
        // Fully decoded, the images are real pictures (not blank): some dark and some bright pixels.
        using var bitmap = SKBitmap.Decode(Path.Combine(dir.Path, "train", Directory.GetFiles(Path.Combine(dir.Path, "train", "trouser"))[0]));
        var grey = Enumerable.Range(0, 28 * 28).Select(i => bitmap.GetPixel(i % 28, i / 28).Red).ToArray();
        Assert.True(grey.Min() < 30 && grey.Max() > 150, $"grey range {grey.Min()}–{grey.Max()}");
    }

    [Fact]
    public void BadArgumentsExitTwoBeforeWritingAnything()
    {
        using var dir = new TempDir();
        string output = dir.File("demo");
        DeepenRunner.ExpectError(2, new[] { "demo", "--out", output, "--epochs", "0" }, "--epochs", "0");
        DeepenRunner.ExpectError(2, new[] { "demo", "--out", output, "--epochs", "many" }, "--epochs", "many");
        DeepenRunner.ExpectError(2, new[] { "demo", "--out", output, "--seed", "x" }, "--seed", "x");
        DeepenRunner.ExpectError(2, new[] { "demo", "--out", output, "--bogus" }, "--bogus");
        Assert.False(Directory.Exists(output), "a usage error must not write the dataset");
        File.WriteAllText(output, "a file");
        DeepenRunner.ExpectError(2, new[] { "demo", "--out", output }, "--out", output, "is a file");
    }
}
