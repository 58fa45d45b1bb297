namespace Deepen.Data.Audit;

/// <summary>
/// Why a file was marked by <see cref="DataAudit"/> or by the pipeline during training. In JSON reports and
/// summaries the kinds are written in kebab case ("zero-byte", "label-conflict").
/// </summary>
/// <example><code>if (report.Entries.Any(e =&gt; e.Kind == AnomalyKind.Leakage)) Console.WriteLine("test images also in train");</code></example>
public enum AnomalyKind
{
    /// <summary>The file is empty.</summary>
    ZeroByte,
    /// <summary>The content is not a JPEG, PNG, BMP, GIF or WebP image (e.g. text saved as .jpg).</summary>
    NotAnImage,
    /// <summary>The file could not be read (permissions, I/O error, vanished).</summary>
    Unreadable,
    /// <summary>The file ends before its image data does.</summary>
    Truncated,
    /// <summary>The image header or data cannot be decoded.</summary>
    Corrupt,
    /// <summary>The image's channel count differs from the expected one(s).</summary>
    UnexpectedChannels,
    /// <summary>A side is smaller or larger than the thresholds, or the aspect ratio is extreme.</summary>
    ExtremeSize,
    /// <summary>A byte-identical copy of an earlier file in the same class.</summary>
    Duplicate,
    /// <summary>The same content appears under two or more classes.</summary>
    LabelConflict,
    /// <summary>The same content appears in the reference (training) set: train/test leakage.</summary>
    Leakage,
    /// <summary>A file listed in a CSV does not exist.</summary>
    Missing,
}
