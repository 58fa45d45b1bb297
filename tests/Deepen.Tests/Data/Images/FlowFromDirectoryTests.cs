using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Data.Images;

public class FlowFromDirectoryTests
{
    static readonly ImageDataGenerator Plain = new();

    /// <summary>Classes "B", "a", "c" (ordinal order puts upper case first) with 3, 2, 4 images.</summary>
    static TempDir ThreeClasses()
    {
        var dir = new TempDir();
        int seed = 0;
        foreach (var (cls, n) in new[] { ("a", 2), ("B", 3), ("c", 4) })
            for (int i = 0; i < n; i++) TestImages.Png(dir.File($"{cls}/img{i}.png"), 10, 8, TestImages.Pattern(seed++));
        return dir;
    }

    static DirectoryIterator Flow(string dir, string classMode = "categorical", bool shuffle = false, int batchSize = 4, int? seed = null,
        ImageDataGenerator? gen = null, string? subset = null) =>
        (gen ?? Plain).FlowFromDirectory(dir, targetSize: (8, 10), classMode: classMode, shuffle: shuffle, batchSize: batchSize,
            seed: seed, subset: subset, auditReport: null, verbose: false);

    [Fact]
    public void ClassesAreSubfoldersInOrdinalOrderAndHiddenOnesAreIgnored()
    {
        using var dir = ThreeClasses();
        TestImages.Png(dir.File(".git/x.png"), 10, 8, TestImages.Pattern(90));
        TestImages.Png(dir.File("a/.DS_hidden.png"), 10, 8, TestImages.Pattern(91));
        string output = "";
        DirectoryIterator? it = null;
        output = TestImages.Console(() => it = Plain.FlowFromDirectory(dir.Path, targetSize: (8, 10), auditReport: null));
        Assert.Equal("Found 9 images belonging to 3 classes.", output.Trim());
        Assert.Equal(new[] { "B", "a", "c" }, it!.ClassNames);
        Assert.Equal(new Dictionary<string, int> { ["B"] = 0, ["a"] = 1, ["c"] = 2 }, it.ClassIndices);
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 2, 2, 2, 2 }, it.Classes);
        Assert.Equal(Path.Combine("B", "img0.png"), it.Filenames[0]);
        Assert.Equal(9, it.Samples);
        Assert.Equal(3, it.NumClasses);
        Assert.Equal(new Shape(8, 10, 3), it.ImageShape);
    }

    [Fact]
    public void ClassesListOverridesOrderAndSelection()
    {
        using var dir = ThreeClasses();
        var it = Plain.FlowFromDirectory(dir.Path, classes: new[] { "c", "a" }, auditReport: null, verbose: false);
        Assert.Equal(new Dictionary<string, int> { ["c"] = 0, ["a"] = 1 }, it.ClassIndices);
        Assert.Equal(6, it.Samples);
        var e = Assert.Throws<ArgumentException>(() => Plain.FlowFromDirectory(dir.Path, classes: new[] { "zebra" }, auditReport: null, verbose: false));
        Assert.Contains("zebra", e.Message);
    }

    [Fact]
    public void ClassModesGiveKerasTargetShapes()
    {
        using var dir = ThreeClasses();
        using (var b = Flow(dir.Path, "categorical").GetBatches(0).First())
        {
            Assert.Equal(new long[] { 4, 8, 10, 3 }, b.X.shape);
            Assert.Equal(new long[] { 4, 3 }, b.Y!.shape);
            Assert.Equal(new float[] { 1, 0, 0 }, b.Y[0].data<float>().ToArray());
        }
        using (var b = Flow(dir.Path, "sparse").GetBatches(0).Last())
        {
            Assert.Equal(new long[] { 1 }, b.Y!.shape);
            Assert.Equal(ScalarType.Float32, b.Y.dtype);
            Assert.Equal(2f, b.Y[0].item<float>());
        }
        using (var b = Flow(dir.Path, "input").GetBatches(0).First())
            Assert.Equal(b.X.data<float>().ToArray(), b.Y!.data<float>().ToArray());
        using (var b = Flow(dir.Path, "none").GetBatches(0).First())
            Assert.Null(b.Y);
        using (var b = Flow(dir.Path, "int").GetBatches(0).First())
            Assert.Equal(ScalarType.Int64, b.Y!.dtype);
        var e = Assert.Throws<ArgumentException>(() => Flow(dir.Path, "binary"));
        Assert.Contains("classMode", e.Message);
        Assert.Contains("exactly 2 classes", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => Flow(dir.Path, "onehot"));
        Assert.Contains("\"categorical\"", bad.Message);
        Assert.Contains("onehot", bad.Message);
    }

    [Fact]
    public void BinaryModeYieldsZeroOneFloats()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 3; i++)
        {
            TestImages.Png(dir.File($"cats/{i}.png"), 10, 8, TestImages.Pattern(i));
            TestImages.Png(dir.File($"dogs/{i}.png"), 10, 8, TestImages.Pattern(10 + i));
        }
        var it = Flow(dir.Path, "binary", batchSize: 6);
        using var b = it.GetBatches(0).Single();
        Assert.Equal(new long[] { 6 }, b.Y!.shape);
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1 }, b.Y.data<float>().ToArray());
    }

    [Fact]
    public void UnshuffledBatchesFollowFilenamesAndPixelsMatchTheFiles()
    {
        using var dir = new TempDir();
        var colours = new (byte, byte, byte)[] { (10, 20, 30), (200, 100, 0), (0, 255, 128), (77, 77, 77), (1, 2, 3) };
        for (int i = 0; i < colours.Length; i++)
            TestImages.Png(dir.File($"{(i < 2 ? "x" : "y")}/{i}.png"), 10, 8, TestImages.Solid(colours[i].Item1, colours[i].Item2, colours[i].Item3));
        var it = Flow(dir.Path, "sparse", batchSize: 2);
        Assert.Equal(3, it.BatchesPerEpoch);
        int k = 0;
        foreach (var batch in it.GetBatches(0))
            using (batch)
                for (int i = 0; i < batch.Size; i++, k++)
                {
                    Assert.Equal(Path.Combine(k < 2 ? "x" : "y", $"{k}.png"), it.Filenames[k]);
                    var px = batch.X[i, 3, 4].data<float>().ToArray();
                    Assert.Equal(new float[] { colours[k].Item1, colours[k].Item2, colours[k].Item3 }, px);
                    Assert.Equal(it.Classes[k], (int)batch.Y![i].item<float>());
                }
        Assert.Equal(5, k);
    }

    [Fact]
    public void RescaleGivesTheSameValuesFusedOrNot()
    {
        using var dir = new TempDir();
        TestImages.Png(dir.File("c/a.png"), 10, 8, TestImages.Solid(100, 51, 255));
        var results = new List<float[]>();
        foreach (var gen in new[] { new ImageDataGenerator(rescale: 1 / 255.0), new ImageDataGenerator(rescale: 1 / 255.0, preprocessingFunction: t => t * 1) })
        {
            using var b = Flow(dir.Path, "sparse", gen: gen).GetBatches(0).Single();
            Assert.Equal(ScalarType.Float32, b.X.dtype);
            var px = b.X[0, 4, 5].data<float>().ToArray();
            Assert.Equal(new[] { 100 / 255f, 51 / 255f, 1f }, px, (a, e) => Math.Abs(a - e) < 1e-6);
            results.Add(TestImages.Values(b.X));
        }
        Assert.Equal(results[0], results[1]);                                   // fused (first) and separate rescaling agree
    }

    [Fact]
    public void AllFormatsDecode()
    {
        using var dir = new TempDir();
        TestImages.PixelFunc pattern = (x, y) => ((byte)(x * 10), (byte)(y * 10), (byte)((x + y) * 5));
        TestImages.Png(dir.File("c/a.png"), 16, 16, pattern);
        TestImages.Bmp(dir.File("c/b.bmp"), 16, 16, pattern);
        TestImages.Webp(dir.File("c/c.webp"), 16, 16, pattern);
        TestImages.Gif(dir.File("c/d.gif"), 16, 16, (x, y) => (byte)(x * 4 + y));
        TestImages.Jpeg(dir.File("c/e.JPG"), 16, 16, pattern, quality: 100);
        TestImages.Jpeg(dir.File("c/f.jpeg"), 16, 16, pattern, quality: 98);
        var it = Plain.FlowFromDirectory(dir.Path, targetSize: (16, 16), batchSize: 6, shuffle: false, auditReport: null, verbose: false);
        Assert.True(it.AuditReport.IsClean, string.Join("\n", it.AuditReport.Entries.Select(e => $"{e.Path}: {e.Kind} {e.Reason}")));
        Assert.Equal(6, it.Samples);
        using var batch = it.GetBatches(0).Single();
        var png = batch.X[0];
        Assert.Equal(0, (png - batch.X[1]).abs().max().item<float>());              // BMP is lossless
        Assert.True((png - batch.X[2]).abs().max().item<float>() < 1e-3);          // lossless WebP
        Assert.True((png - batch.X[4]).abs().mean().item<float>() < 3, "JPEG differs from PNG by more than 3 on average");
        var gif = batch.X[3];
        Assert.Equal(2f * (5 * 4 + 3), gif[3, 5, 0].item<float>());               // palette index x*4+y → gray 2i
    }

    [Fact]
    public void ColorModesAndResizing()
    {
        using var dir = new TempDir();
        TestImages.Png(dir.File("c/a.png"), 20, 10, TestImages.Solid(100, 150, 200));
        var gray = Plain.FlowFromDirectory(dir.Path, targetSize: (5, 10), colorMode: "grayscale", auditReport: null, verbose: false);
        using (var b = gray.GetBatches(0).Single())
        {
            Assert.Equal(new long[] { 1, 5, 10, 1 }, b.X.shape);
            Assert.Equal((100 * 19595 + 150 * 38470 + 200 * 7471 + 0x8000) >> 16, (int)b.X[0, 2, 3, 0].item<float>());
        }
        var rgba = Plain.FlowFromDirectory(dir.Path, targetSize: (7, 3), colorMode: "rgba", interpolation: "bilinear", auditReport: null, verbose: false);
        using (var b = rgba.GetBatches(0).Single())
        {
            Assert.Equal(new long[] { 1, 7, 3, 4 }, b.X.shape);
            Assert.Equal(new float[] { 100, 150, 200, 255 }, b.X[0, 3, 1].data<float>().ToArray());
        }
        var cropped = Plain.FlowFromDirectory(dir.Path, targetSize: (4, 4), keepAspectRatio: true, auditReport: null, verbose: false);
        using (var b = cropped.GetBatches(0).Single()) Assert.Equal(new long[] { 1, 4, 4, 3 }, b.X.shape);
    }

    [Fact]
    public void ValidationSplitPartitionsEachClass()
    {
        using var dir = ThreeClasses();
        var gen = new ImageDataGenerator(validationSplit: 0.5);
        var train = Flow(dir.Path, gen: gen, subset: "training");
        var val = Flow(dir.Path, gen: gen, subset: "validation");
        Assert.Empty(train.Filenames.Intersect(val.Filenames));
        Assert.Equal(9, train.Samples + val.Samples);
        Assert.Equal(Flow(dir.Path).Filenames.Order(), train.Filenames.Concat(val.Filenames).Order());
        // Keras: the first int(0.5 * n) files of each class are validation: B 1 of 3, a 1 of 2, c 2 of 4.
        Assert.Equal(new[] { Path.Combine("B", "img0.png"), Path.Combine("a", "img0.png"), Path.Combine("c", "img0.png"), Path.Combine("c", "img1.png") }, val.Filenames);
        var e = Assert.Throws<ArgumentException>(() => Flow(dir.Path, subset: "validation"));
        Assert.Contains("validationSplit", e.Message);
        Assert.Throws<ArgumentException>(() => Flow(dir.Path, gen: gen, subset: "test"));
    }

    [Fact]
    public void SameSeedReproducesIdenticalBatchesAndEpochsDiffer()
    {
        using var dir = ThreeClasses();
        var gen = new ImageDataGenerator(rotationRange: 30, zoomRange: 0.2, horizontalFlip: true, brightnessRange: (0.5, 1.5));
        List<float[]> Run(DirectoryIterator it, int epoch) => it.GetBatches(epoch).Select(b => { using (b) return TestImages.Values(b.X).Concat(TestImages.Values(b.Y!)).ToArray(); }).ToList();
        var a = Run(Flow(dir.Path, shuffle: true, seed: 42, gen: gen), 0);
        var b = Run(Flow(dir.Path, shuffle: true, seed: 42, gen: gen), 0);
        Assert.Equal(a, b);
        var again = Flow(dir.Path, shuffle: true, seed: 42, gen: gen);
        Assert.NotEqual(a, Run(again, 1));
        Assert.NotEqual(a, Run(Flow(dir.Path, shuffle: true, seed: 43, gen: gen), 0));
        Assert.Equal(Run(again, 1), Run(again, 1));
    }

    [Fact]
    public void EpochOrderMapsShuffledBatchesBackToFiles()
    {
        using var dir = ThreeClasses();
        var it = Flow(dir.Path, "sparse", shuffle: true, seed: 5, batchSize: 9);
        var order = it.EpochOrder(3);
        Assert.NotEqual(Enumerable.Range(0, 9), order);
        using var batch = it.GetBatches(3).Single();
        Assert.Equal(order.Select(i => (float)it.Classes[i]), batch.Y!.data<float>().ToArray());
    }

    [Fact]
    public void ManyWorkersCacheAndEarlyStopGiveTheSameBatches()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 40; i++) TestImages.Jpeg(dir.File($"{i % 3}/{i:D2}.jpg"), 20, 16, TestImages.Pattern(i));
        DirectoryIterator Make(PipelineOptions p) => Plain.FlowFromDirectory(dir.Path, targetSize: (12, 10), batchSize: 3, shuffle: true, seed: 9,
            auditReport: null, verbose: false, pipeline: p);
        var reference = Make(new PipelineOptions { Workers = 1, MaxQueueSize = 1 }).GetBatches(0).Select(b => { using (b) return TestImages.Values(b.X); }).ToList();
        var cached = Make(new PipelineOptions { Workers = 4, MaxQueueSize = 2, Cache = true });
        for (int epoch = 0; epoch < 2; epoch++)
            Assert.Equal(reference.Count, cached.GetBatches(0).Select((b, i) => { using (b) Assert.Equal(reference[i], TestImages.Values(b.X)); return i; }).Count());
        // Abandoning an epoch disposes its worker pool (BatchPrefetcherTests checks that the workers stop); the same
        // iterator then starts the next epoch from its first batch.
        var abandoned = Make(new PipelineOptions { Workers = 3 });
        foreach (var b in abandoned.GetBatches(0)) { b.Dispose(); break; }
        Assert.Equal(reference.Count, abandoned.GetBatches(0).Select((b, i) => { using (b) Assert.Equal(reference[i], TestImages.Values(b.X)); return i; }).Count());
        Assert.Throws<ArgumentException>(() => Make(new PipelineOptions { Workers = 0 }));
    }
}
