using System.Globalization;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data;

/// <summary>
/// Batches over in-memory tensors — one per model input and one per output — reshuffled each epoch (seeded by
/// <see cref="Backend.SetRandomSeed"/>). The last batch may be smaller. Each batch's ids are its samples' row numbers.
/// </summary>
/// <example><code>
/// var source = new TensorBatchSource(x, y, batchSize: 64, shuffle: true);
/// var multi = new TensorBatchSource([images, features], [labels], batchSize: 32);
/// </code></example>
public sealed class TensorBatchSource : IShardedBatchSource
{
    // One generator draws each epoch's order in turn; an epoch asked for out of turn (a resumed run starting at epoch k)
    // replays the draws from the seed, so it gets the order an uninterrupted run would have used.
    readonly int _seed;
    Random _random;
    int _drawn;
    readonly Tensor[] _xs;
    readonly Tensor[]? _ys;

    /// <summary>Batches over one input tensor and optional targets and per-sample weights.</summary>
    /// <param name="x">The inputs, batch first.</param>
    /// <param name="y">The targets, or null.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new order.</param>
    /// <param name="sampleWeight">Per-sample loss weights [N], or null.</param>
    public TensorBatchSource(Tensor x, Tensor? y = null, int batchSize = 32, bool shuffle = false, Tensor? sampleWeight = null)
        : this(new[] { x ?? throw new ArgumentNullException(nameof(x)) }, y is null ? null : new[] { y }, batchSize, shuffle, sampleWeight)
    {
    }

    /// <summary>Batches over one tensor per model input and, optionally, one target tensor per output.</summary>
    /// <param name="xs">One tensor per input, all with the same number of samples.</param>
    /// <param name="ys">One tensor per output, or null.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new order.</param>
    /// <param name="sampleWeight">Per-sample loss weights [N] applied to every output, or null.</param>
    public TensorBatchSource(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor>? ys, int batchSize = 32, bool shuffle = false, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Count == 0 || xs.Any(t => t is null)) throw Check.Invalid("x", "no tensor", "one tensor per model input");
        var x = xs[0];
        if (x.dim() < 1 || x.shape[0] == 0) throw Check.Invalid("x", ShapeText(x), "at least one sample");
        foreach (var other in xs.Skip(1))
            if (other.dim() < 1 || other.shape[0] != x.shape[0])
                throw new ArgumentException($"Data cardinality is ambiguous: x[0] has {x.shape[0]} samples but another input has {(other.dim() < 1 ? 0 : other.shape[0])}. Make sure all arrays contain the same number of samples.", nameof(xs));
        foreach (var y in ys ?? Array.Empty<Tensor>())
            if (y is null || y.dim() < 1 || y.shape[0] != x.shape[0])
                throw new ArgumentException($"Data cardinality is ambiguous: x has {x.shape[0]} samples but y has {(y is null || y.dim() < 1 ? 0 : y.shape[0])}. Make sure all arrays contain the same number of samples.", "y");
        if (sampleWeight is not null && sampleWeight.shape[0] != x.shape[0])
            throw new ArgumentException($"sampleWeight has {sampleWeight.shape[0]} entries but x has {x.shape[0]} samples.", nameof(sampleWeight));
        _xs = xs.ToArray();
        _ys = ys?.ToArray();
        SampleWeight = sampleWeight;
        BatchSize = Check.Positive(batchSize, nameof(batchSize));
        Shuffle = shuffle;
        _seed = Backend.NewShuffleSeed();
        _random = new Random(_seed);
    }

    static string ShapeText(Tensor t) => "(" + string.Join(", ", t.shape) + ")";

    /// <summary>The first (for most models the only) input tensor.</summary>
    public Tensor X => _xs[0];
    /// <summary>The first target tensor, or null.</summary>
    public Tensor? Y => _ys is { Length: > 0 } ? _ys[0] : null;
    /// <summary>All input tensors, one per model input.</summary>
    public IReadOnlyList<Tensor> Xs => _xs;
    /// <summary>All target tensors, one per model output, or null.</summary>
    public IReadOnlyList<Tensor>? Ys => _ys;
    /// <summary>Per-sample loss weights, or null.</summary>
    public Tensor? SampleWeight { get; }
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }
    /// <summary>Whether each epoch visits the samples in a new order.</summary>
    public bool Shuffle { get; }
    /// <summary>The number of samples.</summary>
    public long Count => X.shape[0];
    /// <summary>The id of each row (e.g. the file a text came from); row numbers when null.</summary>
    internal IReadOnlyList<string>? Ids { get; init; }

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
        long[]? perm = null;
        Tensor? order = null;
        if (Shuffle)
        {
            perm = EpochOrder(epoch);
            shard.CheckOrder(perm.Select(i => (int)i).ToArray());
            order = tensor(perm, device: X.device);
        }
        try
        {
            for (long batchStart = 0; batchStart < Count; batchStart += BatchSize)
            {
                var (offset, n) = shard.Rows((int)Math.Min(BatchSize, Count - batchStart));
                if (n == 0) { yield return null; continue; }
                long start = batchStart + offset;
                var ids = new string[n];
                for (long i = 0; i < n; i++)
                {
                    long row = perm is null ? start + i : perm[start + i];
                    ids[i] = Ids is null ? row.ToString(CultureInfo.InvariantCulture) : Ids[(int)row];
                }
                if (order is null)
                    yield return new Batch(_xs.Select(t => t.narrow(0, start, n)).ToArray(), _ys?.Select(t => t.narrow(0, start, n)).ToArray(),
                        SampleWeight is null ? null : new[] { SampleWeight.narrow(0, start, n) }, ids);
                else
                {
                    using var idx = order.narrow(0, start, n);
                    Tensor Take(Tensor t) => t.index_select(0, idx.device == t.device ? idx : idx.to(t.device));
                    yield return new Batch(_xs.Select(Take).ToArray(), _ys?.Select(Take).ToArray(),
                        SampleWeight is null ? null : new[] { Take(SampleWeight) }, ids);
                }
            }
        }
        finally { order?.Dispose(); }
    }
}
