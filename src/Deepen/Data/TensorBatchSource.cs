using Deepen.Distributed;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data;

/// <summary>
/// Batches over in-memory tensors, reshuffled each epoch (seeded by <see cref="Backend.SetRandomSeed"/>).
/// The last batch may be smaller.
/// </summary>
/// <example><code>var source = new TensorBatchSource(x, y, batchSize: 64, shuffle: true);</code></example>
public sealed class TensorBatchSource : IShardedBatchSource
{
    // One generator draws each epoch's order in turn; an epoch asked for out of turn (a resumed run starting at epoch k)
    // replays the draws from the seed, so it gets the order an uninterrupted run would have used.
    readonly int _seed;
    Random _random;
    int _drawn;

    public TensorBatchSource(Tensor x, Tensor? y = null, int batchSize = 32, bool shuffle = false, Tensor? sampleWeight = null)
    {
        X = x ?? throw new ArgumentNullException(nameof(x));
        if (x.dim() < 1 || x.shape[0] == 0) throw Check.Invalid("x", Loss_Shape(x), "at least one sample");
        if (y is not null && y.shape[0] != x.shape[0])
            throw new ArgumentException($"Data cardinality is ambiguous: x has {x.shape[0]} samples but y has {y.shape[0]}. Make sure all arrays contain the same number of samples.", nameof(y));
        if (sampleWeight is not null && sampleWeight.shape[0] != x.shape[0])
            throw new ArgumentException($"sampleWeight has {sampleWeight.shape[0]} entries but x has {x.shape[0]} samples.", nameof(sampleWeight));
        Y = y;
        SampleWeight = sampleWeight;
        BatchSize = Check.Positive(batchSize, nameof(batchSize));
        Shuffle = shuffle;
        _seed = Backend.NewShuffleSeed();
        _random = new Random(_seed);
    }

    static string Loss_Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";

    public Tensor X { get; }
    public Tensor? Y { get; }
    public Tensor? SampleWeight { get; }
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public long Count => X.shape[0];

    /// <inheritdoc/>
    public int BatchesPerEpoch => (int)((Count + BatchSize - 1) / BatchSize);

    long[] EpochOrder(int epoch)
    {
        if (epoch < _drawn) { _random = new Random(_seed); _drawn = 0; }
        long[] perm;
        do
        {
            perm = Enumerable.Range(0, (int)Count).Select(i => (long)i).ToArray();
            _random.Shuffle(perm);
            _drawn++;
        } while (_drawn <= epoch);
        return perm;
    }

    /// <inheritdoc/>
    public IEnumerable<Batch> GetBatches(int epoch) => GetBatches(epoch, Shard.Whole).Select(b => b!);

    /// <inheritdoc/>
    public IEnumerable<Batch?> GetBatches(int epoch, Shard shard)
    {
        Tensor? order = null;
        if (Shuffle)
        {
            var perm = EpochOrder(epoch);
            shard.CheckOrder(perm.Select(i => (int)i).ToArray());
            order = tensor(perm, device: X.device);
        }
        try
        {
            for (long start = 0; start < Count; start += BatchSize)
            {
                var (offset, n) = shard.Rows((int)Math.Min(BatchSize, Count - start));
                if (n == 0)
                    yield return null;
                else if (order is null)
                    yield return new Batch(X.narrow(0, start + offset, n), Y?.narrow(0, start + offset, n), SampleWeight?.narrow(0, start + offset, n));
                else
                {
                    using var idx = order.narrow(0, start + offset, n);
                    yield return new Batch(X.index_select(0, idx.to(X.device)), Y?.index_select(0, idx.to(Y.device)),
                        SampleWeight?.index_select(0, idx.to(SampleWeight.device)));
                }
            }
        }
        finally { order?.Dispose(); }
    }
}
