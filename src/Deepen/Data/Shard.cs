namespace Deepen.Data;

/// <summary>
/// One rank's part of every global batch in data-parallel training: rank <see cref="Index"/> of <see cref="Count"/>
/// takes a contiguous block of each batch's rows (block sizes differ by at most one, the first ranks take the larger
/// ones), so the ranks together see exactly the batches a single process would.
/// </summary>
/// <example><code>
/// var shard = new Shard(index: 1, count: 3);
/// var (start, length) = shard.Rows(32);   // (11, 11): rows 11..21 of a 32-sample batch
/// </code></example>
public sealed class Shard
{
    /// <summary>Sends rank 0's bytes to every rank, in place (the communicator's broadcast).</summary>
    internal delegate void ByteBroadcast(Span<byte> buffer);

    readonly ByteBroadcast? _broadcast;

    /// <summary>Rank <paramref name="index"/> of <paramref name="count"/>.</summary>
    public Shard(int index, int count)
    {
        Count = Utils.Check.Positive(count, nameof(count));
        if (index < 0 || index >= count) throw Utils.Check.Invalid(nameof(index), index, $"a rank in [0, {count})");
        Index = index;
    }

    /// <summary>Rank <paramref name="index"/> of <paramref name="count"/> of a distributed run, which checks that every rank visits the samples in the same order.</summary>
    internal Shard(int index, int count, ByteBroadcast broadcast) : this(index, count) => _broadcast = broadcast;

    /// <summary>The whole batch: a single process.</summary>
    public static Shard Whole { get; } = new(0, 1);

    /// <summary>This rank.</summary>
    public int Index { get; }
    /// <summary>The number of ranks.</summary>
    public int Count { get; }

    /// <summary>The rows of a global batch of <paramref name="batchSize"/> samples this rank takes (length 0 when there are fewer samples than ranks).</summary>
    public (int Start, int Length) Rows(int batchSize)
    {
        int each = batchSize / Count, extra = batchSize % Count;
        return (Index * each + Math.Min(Index, extra), each + (Index < extra ? 1 : 0));
    }

    /// <summary>
    /// Checks that every rank visits the samples in the same order this epoch (called by sources at the start of an
    /// epoch, on every rank): ranks seeded differently would train on overlapping shards and miss others.
    /// </summary>
    public void CheckOrder(ReadOnlySpan<int> order)
    {
        if (_broadcast is null || Count == 1) return;
        ulong hash = 14695981039346656037UL;                 // FNV-1a over the indices
        foreach (int i in order) hash = (hash ^ (uint)i) * 1099511628211UL;
        Span<ulong> root = [hash];
        _broadcast(System.Runtime.InteropServices.MemoryMarshal.AsBytes(root));
        if (root[0] != hash)
            throw new InvalidOperationException(
                $"Rank {Index} of {Count} shuffles the data differently from rank 0. Seed every rank alike before creating models and data " +
                "(Backend.SetRandomSeed(seed), or the iterator's seed argument; deepen train does this with --seed).");
    }
}
