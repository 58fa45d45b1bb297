namespace Deepen.Reports;

/// <summary>
/// How much leaked evaluation images inflate the score: evaluation images that the data audit found in the training
/// data (leakage) are recognised rather than generalized to, so the accuracy is given with and without them.
/// </summary>
/// <param name="LeakedSamples">The evaluation sample indices that are also in the training data.</param>
/// <param name="Accuracy">The accuracy on all evaluation images (the reported score).</param>
/// <param name="AccuracyWithoutLeaked">The accuracy on the evaluation images that are not leaked; null when all are.</param>
/// <param name="AccuracyOnLeaked">The accuracy on the leaked images only; null when none are.</param>
/// <param name="LeakageFindings">Leakage entries in the audit (files in one set whose content is in the other).</param>
/// <param name="DuplicateFindings">Duplicate entries in the audit (byte-identical copies within a class).</param>
/// <param name="LabelConflictFindings">Label-conflict entries in the audit (the same image under two classes).</param>
/// <example><code>
/// var leak = report.Leakage!;
/// Console.WriteLine($"{leak.LeakedCount} leaked test images: accuracy {leak.Accuracy:P1}, {leak.AccuracyWithoutLeaked:P1} without them (+{leak.Inflation:P1})");
/// </code></example>
public sealed record LeakageSummary(IReadOnlyList<int> LeakedSamples, double Accuracy, double? AccuracyWithoutLeaked, double? AccuracyOnLeaked,
    int LeakageFindings, int DuplicateFindings, int LabelConflictFindings)
{
    /// <summary>How many evaluation images are leaked.</summary>
    public int LeakedCount => LeakedSamples.Count;
    /// <summary>How much the leaked images raise the accuracy: <see cref="Accuracy"/> − <see cref="AccuracyWithoutLeaked"/> (0 when none are leaked).</summary>
    public double Inflation => AccuracyWithoutLeaked is double clean ? Accuracy - clean : 0;
}
