namespace Deepen.Saving;

/// <summary>
/// Limits checked before a model file is inflated or its architecture allocates: a small file must not be able to
/// claim gigabytes. The defaults fit a normal machine; raise them for larger models (the <c>deepen</c> command reads
/// <c>DEEPEN_MAX_MODEL_BYTES</c>).
/// </summary>
/// <example><code>ModelFileLimits.MaxUncompressedBytes = 8L &lt;&lt; 30;   // allow 8 GiB models
/// var model = Model.Load("big.deepen");</code></example>
public static class ModelFileLimits
{
    /// <summary>The total uncompressed size of the entries that are read, checked from the ZIP directory before inflating (default 2 GiB).</summary>
    public static long MaxUncompressedBytes { get; set; } = 2L << 30;

    /// <summary>The entries a model file may hold (metadata.json, config.json, model.safetensors, optimizer.bin).</summary>
    public static readonly IReadOnlyList<string> KnownEntries = ["metadata.json", "config.json", "model.safetensors", "optimizer.bin"];

    /// <summary>
    /// The number of values a tensor of <paramref name="shape"/> holds, or null when the product overflows a long or
    /// a dimension is negative: file-supplied shapes are multiplied only here.
    /// </summary>
    public static long? ElementCount(IEnumerable<long> shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0) return null;
            try { count = checked(count * d); }
            catch (OverflowException) { return null; }
        }
        return count;
    }
}
