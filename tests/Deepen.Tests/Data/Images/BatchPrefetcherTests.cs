using System.Collections.Concurrent;
using Deepen.Data.Images;

namespace Deepen.Tests.Data.Images;

/// <summary>
/// The decoding worker pool behind FlowFromDirectory: batches come back in order, at most <c>depth</c> batches are
/// decoded ahead, and abandoning an epoch (a <c>break</c> out of the loop, as EarlyStopping or an exception does) stops
/// the workers instead of leaving them decoding the rest of the epoch.
/// </summary>
public class BatchPrefetcherTests
{
    const int Batches = 50, BatchSize = 4, Depth = 2;

    static int[][] Plan() => Enumerable.Range(0, Batches).Select(b => Enumerable.Range(b * BatchSize, BatchSize).ToArray()).ToArray();

    [Fact]
    public void BatchesComeBackInOrderWithEverySlotDecoded()
    {
        using var prefetcher = new BatchPrefetcher(3, (job, slot) => job.Buffer[slot] = (byte)(job.Indices[slot] % 251));
        var seen = prefetcher.Run(Plan(), Depth, slotBytes: 1).Select(j => (j.Indices.ToArray(), j.Buffer.ToArray())).ToList();
        Assert.Equal(Plan(), seen.Select(s => s.Item1));
        Assert.All(seen, s => Assert.Equal(s.Item1.Select(i => (byte)(i % 251)), s.Item2));
    }

    [Fact]
    public void AbandoningAnEpochStopsTheWorkersAndDecodesNoMoreThanTheQueue()
    {
        var workers = new ConcurrentDictionary<int, Thread>();
        int decoded = 0;
        var prefetcher = new BatchPrefetcher(3, (job, slot) =>
        {
            workers.TryAdd(Environment.CurrentManagedThreadId, Thread.CurrentThread);
            Interlocked.Increment(ref decoded);
            Thread.Sleep(2);
        });
        foreach (var job in prefetcher.Run(Plan(), Depth, slotBytes: 1))
        {
            Assert.Equal(new[] { 0, 1, 2, 3 }, job.Indices);
            break;
        }
        // Leaving the loop cancels the pool: every worker thread ends on its own, before Dispose joins them.
        Assert.NotEmpty(workers);
        foreach (var thread in workers.Values)
            Assert.True(thread.Join(TimeSpan.FromSeconds(10)), $"worker {thread.Name} still running after the epoch was abandoned");
        // At most the batches in flight were decoded: the first, the one queued behind it, and the one submitted
        // before the first was handed out — not the 50 of the epoch.
        Assert.InRange(Volatile.Read(ref decoded), BatchSize, (Depth + 1) * BatchSize);
        prefetcher.Dispose();
    }
}
