using Deepen.Data.Audit;
using Deepen.Data.Images;

namespace Deepen.Cli;

/// <summary>How the commands read data they evaluate (validation and test folders, <c>deepen evaluate --data</c>) and report on.</summary>
public static class EvaluationData
{
    /// <summary>
    /// The audit for evaluation folders: files that cannot be read (empty, not an image, truncated, corrupt) are
    /// skipped before the first batch; duplicates and other marked files stay in, so every readable image is scored.
    /// </summary>
    public static readonly AuditOptions ReadableOnly = new()
    {
        SkipKinds = new HashSet<AnomalyKind> { AnomalyKind.ZeroByte, AnomalyKind.NotAnImage, AnomalyKind.Unreadable, AnomalyKind.Truncated, AnomalyKind.Corrupt },
    };

    /// <summary>The number of images read: the iterator's files less those that failed to decode so far.</summary>
    public static int ReadCount(ImageFileIterator data) =>
        data.Samples - data.AuditReport.Entries.Where(e => e.Stage == "training").Select(e => e.Path).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Runs <paramref name="body"/> with standard output sent to standard error, so that progress and warnings do not mix with JSON.</summary>
    public static T WithOutputOnStderr<T>(bool enabled, Func<T> body)
    {
        if (!enabled) return body();
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        try { return body(); }
        finally { Console.SetOut(stdout); }
    }
}
