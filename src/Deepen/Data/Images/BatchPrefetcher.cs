using System.Collections.Concurrent;

namespace Deepen.Data.Images;

/// <summary>One batch being decoded: the file indices, a byte buffer with one slot per image, and per-slot errors.</summary>
internal sealed class DecodeJob
{
    readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int _pending;

    public DecodeJob(int[] indices, int slotBytes)
    {
        Indices = indices;
        SlotBytes = slotBytes;
        Buffer = new byte[indices.Length * slotBytes];
        Errors = new Exception?[indices.Length];
        _pending = indices.Length;
    }

    public int[] Indices { get; }
    public int SlotBytes { get; }
    public byte[] Buffer { get; }
    public Exception?[] Errors { get; }
    public ArraySegment<byte> Slot(int slot) => new(Buffer, slot * SlotBytes, SlotBytes);
    internal void SlotDone()
    {
        if (Interlocked.Decrement(ref _pending) == 0) _done.TrySetResult();
    }
    internal void Wait(CancellationToken token) => _done.Task.Wait(token);
}

/// <summary>
/// Decodes batches on background threads and hands them back in order. Each image is one work item, so all
/// workers help with the next batch; at most <c>depth</c> batches are in flight, which bounds memory. The workers
/// never call TorchSharp (its dispose scopes are per thread): tensors are built by the consumer.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    readonly BlockingCollection<(DecodeJob Job, int Slot)> _work = new();
    readonly CancellationTokenSource _cancel = new();
    readonly Thread[] _threads;
    readonly Action<DecodeJob, int> _decode;

    readonly int _nice;

    public BatchPrefetcher(int workers, Action<DecodeJob, int> decode, int nice = 0)
    {
        _decode = decode;
        _nice = nice;
        _threads = Enumerable.Range(0, workers).Select(i => new Thread(Work) { IsBackground = true, Name = $"deepen-decode-{i}" }).ToArray();
        foreach (var t in _threads) t.Start();
    }

    void Work()
    {
        WorkerPriority.Lower(_nice);
        try
        {
            foreach (var (job, slot) in _work.GetConsumingEnumerable(_cancel.Token))
            {
                try { _decode(job, slot); }
                catch (Exception e) { job.Errors[slot] = e; }
                finally { job.SlotDone(); }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Decodes <paramref name="batches"/> (file indices per batch) and yields them in order.</summary>
    public IEnumerable<DecodeJob> Run(IReadOnlyList<int[]> batches, int depth, int slotBytes)
    {
        var inFlight = new Queue<DecodeJob>();
        int next = 0;
        void Submit()
        {
            var job = new DecodeJob(batches[next++], slotBytes);
            inFlight.Enqueue(job);
            for (int s = 0; s < job.Indices.Length; s++) _work.Add((job, s));
        }
        try
        {
            while (next < batches.Count && inFlight.Count < depth) Submit();
            while (inFlight.Count > 0)
            {
                var job = inFlight.Peek();
                job.Wait(_cancel.Token);
                inFlight.Dequeue();
                if (next < batches.Count) Submit();
                yield return job;
            }
        }
        finally
        {
            _cancel.Cancel();
        }
    }

    public void Dispose()
    {
        _cancel.Cancel();
        _work.CompleteAdding();
        foreach (var t in _threads) t.Join();
        _work.Dispose();
        _cancel.Dispose();
    }
}
