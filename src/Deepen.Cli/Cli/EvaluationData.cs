using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Reports;

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

    /// <summary>
    /// Creates a report over <paramref name="data"/> with its file names as sample names. A file can pass the audit
    /// (which reads headers) and still fail to decode; the iterator then leaves it out of its batch, so the names are
    /// those of the files it delivered: the failures it has recorded are removed, and if the report's own pass meets
    /// new ones it is built once more without them.
    /// </summary>
    public static Report CreateReport(ImageFileIterator data, Func<IReadOnlyList<string>, Report> create)
    {
        try { return create(Delivered(data)); }
        catch (ArgumentException e) when (e.ParamName == "options.SampleNames") { return create(Delivered(data)); }
    }

    /// <summary>The file names of <paramref name="data"/> without those that failed to decode so far.</summary>
    static IReadOnlyList<string> Delivered(ImageFileIterator data)
    {
        var failed = data.AuditReport.Entries.Where(e => e.Stage == "training").Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        return failed.Count == 0 ? data.Filenames : data.Filenames.Where((_, i) => !failed.Contains(data.Filepaths[i])).ToArray();
    }

    /// <summary>The number of images read: the iterator's files less those that failed to decode so far.</summary>
    public static int ReadCount(ImageFileIterator data) => Delivered(data).Count;

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
