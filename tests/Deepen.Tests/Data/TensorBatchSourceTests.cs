using Deepen.Data;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Data;

public class TensorBatchSourceTests
{
    [Fact]
    public void BatchesCoverTheDataInOrderWithASmallerLastBatch()
    {
        using var x = arange(10, dtype: ScalarType.Float32).reshape(10, 1);
        using var y = arange(10, dtype: ScalarType.Float32);
        var source = new TensorBatchSource(x, y, batchSize: 4);
        Assert.Equal(3, source.BatchesPerEpoch);
        var batches = source.GetBatches(0).ToList();
        Assert.Equal(new long[] { 4, 4, 2 }, batches.Select(b => b.Size));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), batches.SelectMany(b => TestData.Values(b.X)));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), batches.SelectMany(b => TestData.Values(b.Y!)));
        batches.ForEach(b => b.Dispose());
    }

    [Fact]
    public void ShuffleIsAPermutationThatKeepsPairsAndChangesEachEpoch()
    {
        Backend.SetRandomSeed(58);
        using var x = arange(20, dtype: ScalarType.Float32).reshape(20, 1);
        using var y = arange(20, dtype: ScalarType.Float32) * 2;
        var source = new TensorBatchSource(x, y, batchSize: 6, shuffle: true);
        var epochs = new List<float[]>();
        for (int e = 0; e < 2; e++)
        {
            var xs = new List<float>();
            foreach (var b in source.GetBatches(e))
                using (b)
                {
                    var bx = TestData.Values(b.X);
                    Assert.Equal(bx.Select(v => 2 * v), TestData.Values(b.Y!));
                    xs.AddRange(bx);
                }
            Assert.Equal(Enumerable.Range(0, 20).Select(i => (float)i), xs.Order());
            epochs.Add(xs.ToArray());
        }
        Assert.NotEqual(Enumerable.Range(0, 20).Select(i => (float)i), epochs[0]);
        Assert.NotEqual(epochs[0], epochs[1]);
    }

    [Fact]
    public void MismatchedLengthsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new TensorBatchSource(zeros(4, 2), zeros(3)));
        Assert.Contains("x has 4 samples but y has 3", e.Message);
    }
}
