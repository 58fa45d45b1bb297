namespace Deepen.Data.Audit;

/// <summary>
/// Thresholds and choices for <see cref="DataAudit"/> and for the audit image iterators run before training.
/// </summary>
/// <example><code>
/// var options = new AuditOptions { MinSide = 32, ExpectedChannels = new[] { 1, 3 }, ReferenceDirectory = "data/train" };
/// var test = new ImageDataGenerator(rescale: 1 / 255.0).FlowFromDirectory("data/test", audit: options);
/// </code></example>
public sealed record AuditOptions
{
    /// <summary>The defaults: every check on, header decoding only.</summary>
    public static AuditOptions Default { get; } = new();

    /// <summary>No audit at all (the pipeline still skips files that fail to decode during training).</summary>
    public static AuditOptions Disabled { get; } = new() { Enabled = false };

    /// <summary>Whether iterators audit their files before training. Default true.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>Images with a side shorter than this many pixels are marked extreme-size. Default 8.</summary>
    public int MinSide { get; init; } = 8;
    /// <summary>Images with a side longer than this are marked extreme-size (and never decoded). Default 16384.</summary>
    public int MaxSide { get; init; } = 16384;
    /// <summary>Images whose long side exceeds this multiple of the short side are marked extreme-size. Default 20.</summary>
    public double MaxAspectRatio { get; init; } = 20;
    /// <summary>
    /// The channel counts images may have (1 gray, 3 colour, 4 with alpha). Null: the most common count among the
    /// audited images; images with another count are marked unexpected-channels.
    /// </summary>
    public IReadOnlyList<int>? ExpectedChannels { get; init; }
    /// <summary>Decode every image's pixels, not only its header, to find corrupt data inside files. Slower; default false.</summary>
    public bool FullDecode { get; init; }
    /// <summary>
    /// A folder (usually the training set) whose images must not appear in the audited one; copies are marked
    /// leakage. Null: no leakage check.
    /// </summary>
    public string? ReferenceDirectory { get; init; }
    /// <summary>The kinds that remove a file from the pipeline. Null: all kinds.</summary>
    public IReadOnlySet<AnomalyKind>? SkipKinds { get; init; }

    internal bool Skips(AnomalyKind kind) => SkipKinds?.Contains(kind) ?? true;

    internal void Validate()
    {
        if (MinSide < 1) throw Utils.Check.Invalid(nameof(MinSide), MinSide, "a positive integer");
        if (MaxSide < MinSide) throw Utils.Check.Invalid(nameof(MaxSide), MaxSide, $"an integer >= MinSide ({MinSide})");
        if (!(MaxAspectRatio >= 1)) throw Utils.Check.Invalid(nameof(MaxAspectRatio), MaxAspectRatio, "a number >= 1");
        if (ExpectedChannels is { } c && (c.Count == 0 || c.Any(v => v is not (1 or 2 or 3 or 4))))
            throw Utils.Check.Invalid(nameof(ExpectedChannels), c, "a non-empty list of channel counts among 1, 2, 3, 4");
    }
}
