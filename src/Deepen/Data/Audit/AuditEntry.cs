using System.Text.Json.Serialization;

namespace Deepen.Data.Audit;

/// <summary>One marked file: where it is, what is wrong, why, and the other file involved (for duplicates, conflicts and leakage).</summary>
/// <example><code>foreach (var e in report.Entries) Console.WriteLine($"{e.Path}: {e.Kind} — {e.Reason}");</code></example>
public sealed record AuditEntry
{
    /// <summary>The file's full path.</summary>
    public required string Path { get; init; }
    /// <summary>What is wrong.</summary>
    public required AnomalyKind Kind { get; init; }
    /// <summary>A sentence saying why, with the measured values.</summary>
    public required string Reason { get; init; }
    /// <summary>The other file involved (the first copy of a duplicate, the copy under another class, the training copy), if any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RelatedPath { get; init; }
    /// <summary>The file's class, when it is in a class folder.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Class { get; init; }
    /// <summary>Whether the pipeline leaves the file out.</summary>
    public bool Skipped { get; init; } = true;
    /// <summary>When the anomaly was found: "audit" (before training) or "training" (while decoding batches).</summary>
    public string Stage { get; init; } = "audit";
}
