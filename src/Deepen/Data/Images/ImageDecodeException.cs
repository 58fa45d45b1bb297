using Deepen.Data.Audit;

namespace Deepen.Data.Images;

/// <summary>A file that could not be turned into pixels, with the anomaly kind it counts as.</summary>
internal sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(AnomalyKind kind, string reason, Exception? inner = null) : base(reason, inner) => Kind = kind;

    public AnomalyKind Kind { get; }

    /// <summary>Classifies any exception thrown while reading or decoding a file.</summary>
    public static ImageDecodeException From(Exception e) => e switch
    {
        ImageDecodeException d => d,
        FileNotFoundException or DirectoryNotFoundException => new(AnomalyKind.Unreadable, "the file no longer exists", e),
        IOException or UnauthorizedAccessException => new(AnomalyKind.Unreadable, "the file could not be read: " + e.Message, e),
        _ => new(AnomalyKind.Corrupt, "decoding failed: " + e.Message, e),
    };
}
