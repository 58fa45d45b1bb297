namespace Deepen.Data.Audit;

/// <summary>
/// Writes iterators' reports to one JSON file per path. Within a process, reports written to the same file are
/// merged (keyed by what they audited), so a training and a test iterator both appear in ./deepen-audit.json.
/// </summary>
internal static class AuditReportFile
{
    static readonly Dictionary<string, Dictionary<string, AuditReport>> Written = new();

    public static string Write(string path, string key, AuditReport report)
    {
        string full = Path.GetFullPath(path);
        AuditReport merged;
        lock (Written)
        {
            if (!Written.TryGetValue(full, out var reports)) Written[full] = reports = new Dictionary<string, AuditReport>();
            reports[key] = report;
            merged = reports.Count == 1 ? report : AuditReport.Combine(reports.Values);
            merged.Save(full);
        }
        return path;
    }
}
