using Deepen.Data;
using Deepen.Data.Images;
using Deepen.Distributed;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Data;

/// <summary>Each rank's part of every batch: together the parts are exactly the batches of a single process.</summary>
public class ShardTests
{
    [Theory]
    [InlineData(32, 2)]
    [InlineData(20, 3)]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(7, 7)]
    public void RowsCoverTheBatchOnceWithSizesDifferingByAtMostOne(int batch, int ranks)
    {
        int next = 0;
        var lengths = new List<int>();
        for (int r = 0; r < ranks; r++)
        {
            var (start, length) = new Shard(r, ranks).Rows(batch);
            Assert.Equal(next, start);
            next += length;
            lengths.Add(length);
        }
        Assert.Equal(batch, next);
        Assert.True(lengths.Max() - lengths.Min() <= 1);
        Assert.True(lengths[0] >= 1, "rank 0 always has a sample, so it always sees the step");
    }

    [Fact]
    public void InvalidRanksAreRefusedWithTheValue()
    {
        var e = Assert.Throws<ArgumentException>(() => new Shard(2, 2));
        Assert.Contains("Received: index=2", e.Message);
    }

    [Fact]
    public void TensorSourcePartsConcatenateToTheShuffledBatches()
    {
        using var x = arange(23, dtype: ScalarType.Float32).unsqueeze(1);
        using var y = arange(23, dtype: ScalarType.Float32);
        Backend.SetRandomSeed(3);
        var whole = new TensorBatchSource(x, y, batchSize: 5, shuffle: true).GetBatches(0).Select(b => { using (b) return TestData.Values(b.Y!); }).ToList();
        var parts = new List<float[]>[3];
        for (int r = 0; r < 3; r++)
        {
            Backend.SetRandomSeed(3);
            parts[r] = new TensorBatchSource(x, y, batchSize: 5, shuffle: true).GetBatches(0, new Shard(r, 3))
                .Select(b => { using (b) return b is null ? Array.Empty<float>() : TestData.Values(b.Y!); }).ToList();
        }
        Assert.Equal(whole.Count, parts[1].Count);                   // one item per global batch, null where empty
        for (int i = 0; i < whole.Count; i++) Assert.Equal(whole[i], parts.SelectMany(p => p[i]).ToArray());
    }

    [Fact]
    public void ImagePartsDecodeOnlyTheirFilesWithTheSameAugmentation()
    {
        using var dir = new TempDir();
        for (int c = 0; c < 2; c++)
        {
            Directory.CreateDirectory(dir.File($"c{c}"));
            for (int i = 0; i < 7; i++) TestImages.Png(dir.File($"c{c}/{i}.png"), 12, 12, TestImages.Pattern(c * 10 + i));
        }
        var generator = new ImageDataGenerator(rescale: 1.0 / 255, shearRange: 20, zoomRange: 0.2, horizontalFlip: true);
        DirectoryIterator Flow() => generator.FlowFromDirectory(dir.Path, (12, 12), classMode: "sparse", batchSize: 4, seed: 9, auditReport: null, verbose: false);
        var whole = Flow().GetBatches(1).Select(b => { using (b) return (X: TestData.Values(b.X), Y: TestData.Values(b.Y!)); }).ToList();
        var parts = Enumerable.Range(0, 3).Select(r => Flow().GetBatches(1, new Shard(r, 3))
            .Select(b => { using (b) return b is null ? (X: Array.Empty<float>(), Y: Array.Empty<float>()) : (X: TestData.Values(b.X), Y: TestData.Values(b.Y!)); }).ToList()).ToArray();
        Assert.Equal(4, whole.Count);                                 // 14 images: 4 + 4 + 4 + 2; the last leaves rank 2 empty
        Assert.Empty(parts[2][^1].Y);
        for (int i = 0; i < whole.Count; i++)
        {
            Assert.Equal(whole[i].Y, parts.SelectMany(p => p[i].Y).ToArray());
            Assert.Equal(whole[i].X, parts.SelectMany(p => p[i].X).ToArray());   // augmented pixels included
        }
    }
}
