using Deepen.Utils;

namespace Deepen.Data.Images;

/// <summary>
/// How image iterators feed batches: background decoding threads, how many batches they may prepare ahead
/// (memory stays bounded by that many batches), and whether decoded images are kept in memory after the first epoch.
/// </summary>
/// <example><code>
/// var train = gen.FlowFromDirectory("data/train", pipeline: new PipelineOptions { Workers = 4, MaxQueueSize = 8, Cache = true });
/// </code></example>
public sealed record PipelineOptions
{
    /// <summary>The defaults: one worker per processor, 4 batches ahead, no cache.</summary>
    public static PipelineOptions Default { get; } = new();

    /// <summary>Decoding threads. Null: <see cref="Backend.Cores"/> (the cores this process may use).</summary>
    public int? Workers { get; init; }
    /// <summary>Batches prepared ahead of the one being trained on (Keras's <c>max_queue_size</c>). Default 4.</summary>
    public int MaxQueueSize { get; init; } = 4;
    /// <summary>
    /// Keep every decoded, resized image in memory (height × width × 4 bytes each, 1 for grayscale) so later epochs skip
    /// decoding. Default false: images are streamed from disk each epoch.
    /// </summary>
    public bool Cache { get; init; }

    /// <summary>
    /// How much the decoding threads defer to LibTorch's compute threads (a Linux nice value for them, 0–19; ignored
    /// elsewhere). Default 0. A value such as 10 makes decoding run in the gaps of training instead of preempting it,
    /// at the cost of the pipeline's own throughput when nothing else waits for the CPU (see benchmarks/pipeline).
    /// </summary>
    public int WorkerNice { get; init; }

    internal int WorkerCount => Workers ?? Backend.Cores;

    internal PipelineOptions Validate()
    {
        if (Workers is int w) Check.Positive(w, nameof(Workers));
        Check.Positive(MaxQueueSize, nameof(MaxQueueSize));
        if (WorkerNice is < 0 or > 19) throw Check.Invalid(nameof(WorkerNice), WorkerNice, "an integer from 0 to 19");
        return this;
    }
}
