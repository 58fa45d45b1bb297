using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deepen.Data.Audit;

/// <summary>
/// The result of a data audit: how many files were looked at and every marked file with its kind and reason.
/// Serializes to JSON (<see cref="ToJson"/>, <see cref="Save"/>) and back (<see cref="FromJson"/>, <see cref="Load"/>).
/// Iterators add files that fail during training to their report, with <c>Stage = "training"</c>.
/// </summary>
/// <example><code>
/// AuditReport report = DataAudit.Run("data/train", "data/test");
/// Console.WriteLine(report.Summary());           // Skipped 3 of 120 files: 1 corrupt, 1 zero-byte, 1 leakage
/// report.Save("audit.json");
/// </code></example>
public sealed class AuditReport
{
    readonly List<AuditEntry> _entries;
    readonly object _lock = new();

    /// <summary>Creates a report over <paramref name="directories"/>.</summary>
    public AuditReport(IEnumerable<string> directories, int filesScanned, IEnumerable<AuditEntry> entries)
    {
        Directories = directories.ToArray();
        FilesScanned = filesScanned;
        _entries = entries.ToList();
    }

    /// <summary>The folders (or CSV files) audited.</summary>
    public IReadOnlyList<string> Directories { get; }
    /// <summary>How many files were inspected.</summary>
    public int FilesScanned { get; }
    /// <summary>Every marked file, sorted by kind then path (training-time entries follow in the order found).</summary>
    public IReadOnlyList<AuditEntry> Entries { get { lock (_lock) return _entries.ToArray(); } }
    /// <summary>The number of distinct files the pipeline leaves out.</summary>
    public int SkippedCount { get { lock (_lock) return _entries.Where(e => e.Skipped).Select(e => e.Path).Distinct().Count(); } }
    /// <summary>Whether nothing was marked.</summary>
    public bool IsClean { get { lock (_lock) return _entries.Count == 0; } }

    /// <summary>Entries per kind (kinds with none are left out).</summary>
    public IReadOnlyDictionary<AnomalyKind, int> Counts()
    {
        lock (_lock) return _entries.GroupBy(e => e.Kind).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>The entries of one kind.</summary>
    public IReadOnlyList<AuditEntry> OfKind(AnomalyKind kind) { lock (_lock) return _entries.Where(e => e.Kind == kind).ToArray(); }

    internal void Add(AuditEntry entry) { lock (_lock) _entries.Add(entry); }

    /// <summary>One line: "Skipped 3 of 120 files: 1 corrupt, 1 zero-byte, 1 duplicate", or "No anomalies in 120 files".</summary>
    public string Summary()
    {
        lock (_lock)
        {
            var skipped = _entries.Where(e => e.Skipped).ToList();
            var kept = _entries.Where(e => !e.Skipped).ToList();
            if (_entries.Count == 0) return $"No anomalies in {FilesScanned} files";
            string Counted(IEnumerable<AuditEntry> es) => string.Join(", ", es.GroupBy(e => e.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {KindName(g.Key)}"));
            string text = skipped.Count > 0
                ? $"Skipped {skipped.Select(e => e.Path).Distinct().Count()} of {FilesScanned} files: {Counted(skipped)}"
                : $"Marked {kept.Count} of {FilesScanned} files";
            if (kept.Count > 0) text += (skipped.Count > 0 ? "; kept but marked: " : ": ") + Counted(kept);
            return text;
        }
    }

    /// <summary>The kebab-case name of a kind, as written in reports ("label-conflict").</summary>
    public static string KindName(AnomalyKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    sealed record Document(IReadOnlyList<string> Directories, int FilesScanned, int Skipped,
        IReadOnlyDictionary<string, int> Counts, IReadOnlyList<AuditEntry> Entries);

    /// <summary>The report as indented JSON: directories, filesScanned, skipped, counts per kind and entries.</summary>
    public string ToJson()
    {
        var doc = new Document(Directories, FilesScanned, SkippedCount, Counts().ToDictionary(kv => KindName(kv.Key), kv => kv.Value), Entries);
        return JsonSerializer.Serialize(doc, JsonOptions);
    }

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    public static AuditReport FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var doc = JsonSerializer.Deserialize<Document>(json, JsonOptions)
            ?? throw new FormatException("The audit report JSON is empty.");
        return new AuditReport(doc.Directories ?? Array.Empty<string>(), doc.FilesScanned, doc.Entries ?? Array.Empty<AuditEntry>());
    }

    /// <summary>Writes the JSON to <paramref name="path"/> (folders are created).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Utils.AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Reads a report saved with <see cref="Save"/>.</summary>
    public static AuditReport Load(string path) => FromJson(File.ReadAllText(path));

    /// <summary>One report holding the directories, counts and entries of all <paramref name="reports"/>.</summary>
    public static AuditReport Combine(IEnumerable<AuditReport> reports)
    {
        var list = reports.ToList();
        return new AuditReport(list.SelectMany(r => r.Directories).Distinct(), list.Sum(r => r.FilesScanned), list.SelectMany(r => r.Entries));
    }

    /// <inheritdoc/>
    public override string ToString() => Summary();
}
