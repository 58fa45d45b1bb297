namespace Deepen.Data.Audit;

/// <summary>Thrown before training by iterators created with <c>strict: true</c> when the audit marked files.</summary>
/// <example><code>
/// try { gen.FlowFromDirectory("data/train", strict: true); }
/// catch (DataAuditException e) { foreach (var entry in e.Report.Entries) Console.WriteLine(entry.Path); }
/// </code></example>
public sealed class DataAuditException : Exception
{
    const int Listed = 20;

    /// <summary>Creates the exception for <paramref name="report"/>; <paramref name="reportPath"/> is where the JSON was written, if anywhere.</summary>
    public DataAuditException(AuditReport report, string? reportPath = null) : base(Describe(report, reportPath)) => Report = report;

    /// <summary>The audit that failed.</summary>
    public AuditReport Report { get; }

    static string Describe(AuditReport report, string? reportPath)
    {
        var entries = report.Entries;
        var lines = entries.Take(Listed).Select(e => $"  {e.Path}: {AuditReport.KindName(e.Kind)} — {e.Reason}");
        string more = entries.Count > Listed ? $"\n  … and {entries.Count - Listed} more" : "";
        string where = reportPath is null ? "" : $" Full report: {reportPath}.";
        return $"The data audit (strict mode) marked {report.SkippedCount} of {report.FilesScanned} files:\n{string.Join("\n", lines)}{more}\n" +
               $"Fix or remove these files, or pass strict: false to train without them.{where}";
    }
}
