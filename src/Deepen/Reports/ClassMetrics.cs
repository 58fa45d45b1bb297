namespace Deepen.Reports;

/// <summary>
/// Precision, recall, F1 and support of one class (or an average over classes), as scikit-learn's
/// <c>classification_report</c>: a ratio with a zero denominator is 0.
/// </summary>
/// <param name="Name">The class name, or "macro avg" / "weighted avg".</param>
/// <param name="Precision">Of the samples predicted as this class, the share that truly are: TP / (TP + FP).</param>
/// <param name="Recall">Of the samples truly of this class, the share predicted as it: TP / (TP + FN).</param>
/// <param name="F1">The harmonic mean of precision and recall.</param>
/// <param name="Support">How many samples truly are of this class (for averages: all samples).</param>
/// <example><code>
/// foreach (var c in report.PerClass)
///     Console.WriteLine($"{c.Name}: precision {c.Precision:F3}, recall {c.Recall:F3}, F1 {c.F1:F3} ({c.Support} images)");
/// </code></example>
public sealed record ClassMetrics(string Name, double Precision, double Recall, double F1, long Support);
