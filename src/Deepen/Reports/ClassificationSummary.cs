using Deepen.Utils;

namespace Deepen.Reports;

/// <summary>
/// The confusion matrix of a classifier and the figures computed from it: accuracy and per-class precision,
/// recall, F1 and support (scikit-learn's <c>confusion_matrix</c> and <c>classification_report</c>; fastai's
/// <c>most_confused</c>). Rows are true classes, columns predicted classes.
/// </summary>
/// <example><code>
/// var summary = new ClassificationSummary(trueLabels, predictedLabels, ["cat", "dog"]);
/// Console.WriteLine(summary.Accuracy);              // 0.93
/// long catsCalledDogs = summary.ConfusionMatrix[0, 1];
/// foreach (var (t, p, n) in summary.MostConfused()) Console.WriteLine($"{t} → {p}: {n}");
/// </code></example>
public sealed class ClassificationSummary
{
    readonly long[,] _matrix;
    readonly string[] _names;

    /// <summary>Counts true against predicted class indices (each in [0, number of classes)).</summary>
    /// <param name="trueLabels">The true class index of each sample.</param>
    /// <param name="predictions">The predicted class index of each sample, in the same order.</param>
    /// <param name="classNames">One name per class; their count fixes the matrix size.</param>
    /// <example><code>var summary = new ClassificationSummary([0, 1, 1], [0, 1, 0], ["cat", "dog"]);   // accuracy 2/3</code></example>
    public ClassificationSummary(IReadOnlyList<int> trueLabels, IReadOnlyList<int> predictions, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(trueLabels);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0) throw Check.Invalid(nameof(classNames), classNames, "at least one class name");
        if (predictions.Count != trueLabels.Count)
            throw ReportCheck.Described(nameof(predictions), $"{predictions.Count} predictions", $"one prediction per true label ({trueLabels.Count})");
        int k = classNames.Count;
        _names = classNames.ToArray();
        _matrix = new long[k, k];
        for (int i = 0; i < trueLabels.Count; i++)
        {
            int t = trueLabels[i], p = predictions[i];
            if ((uint)t >= (uint)k) throw ReportCheck.Described(nameof(trueLabels), $"label {t} at position {i}", $"class indices in [0, {k - 1}], one per class name");
            if ((uint)p >= (uint)k) throw ReportCheck.Described(nameof(predictions), $"class {p} at position {i}", $"class indices in [0, {k - 1}], one per class name");
            _matrix[t, p]++;
        }
        Count = trueLabels.Count;
        long correct = 0;
        for (int c = 0; c < k; c++) correct += _matrix[c, c];
        Accuracy = Count == 0 ? 0 : (double)correct / Count;
        PerClass = Enumerable.Range(0, k).Select(ForClass).ToArray();
        MacroAverage = new ClassMetrics("macro avg", PerClass.Average(m => m.Precision), PerClass.Average(m => m.Recall),
            PerClass.Average(m => m.F1), Count);
        WeightedAverage = Count == 0
            ? new ClassMetrics("weighted avg", 0, 0, 0, 0)
            : new ClassMetrics("weighted avg", PerClass.Sum(m => m.Precision * m.Support) / Count,
                PerClass.Sum(m => m.Recall * m.Support) / Count, PerClass.Sum(m => m.F1 * m.Support) / Count, Count);
    }

    /// <summary>The class names, in index order.</summary>
    public IReadOnlyList<string> ClassNames => _names;

    /// <summary>The number of classes.</summary>
    public int Classes => _names.Length;

    /// <summary>The number of samples counted.</summary>
    public int Count { get; }

    /// <summary>A copy of the confusion matrix: <c>[t, p]</c> counts samples of true class t predicted as p.</summary>
    public long[,] ConfusionMatrix => (long[,])_matrix.Clone();

    /// <summary>The count of samples of true class <paramref name="trueClass"/> predicted as <paramref name="predictedClass"/>.</summary>
    public long this[int trueClass, int predictedClass] => _matrix[trueClass, predictedClass];

    /// <summary>The share of samples predicted right (the matrix's trace over its sum); 0 when there are none.</summary>
    public double Accuracy { get; }

    /// <summary>Precision, recall, F1 and support of each class, in index order.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; }

    /// <summary>The unweighted mean of the per-class figures.</summary>
    public ClassMetrics MacroAverage { get; }

    /// <summary>The per-class figures averaged with each class weighted by its support.</summary>
    public ClassMetrics WeightedAverage { get; }

    /// <summary>
    /// The off-diagonal cells with at least <paramref name="minCount"/> samples, most frequent first (fastai's
    /// <c>most_confused</c>).
    /// </summary>
    /// <example><code>foreach (var (t, p, n) in report.Summary.MostConfused(minCount: 2)) Console.WriteLine($"{n} × {t} taken for {p}");</code></example>
    public IReadOnlyList<(string True, string Predicted, long Count)> MostConfused(int minCount = 1)
    {
        var cells = new List<(string, string, long)>();
        for (int t = 0; t < Classes; t++)
            for (int p = 0; p < Classes; p++)
                if (t != p && _matrix[t, p] >= Math.Max(1, minCount)) cells.Add((_names[t], _names[p], _matrix[t, p]));
        return cells.OrderByDescending(c => c.Item3).ToArray();
    }

    ClassMetrics ForClass(int c)
    {
        long tp = _matrix[c, c], predicted = 0, actual = 0;
        for (int i = 0; i < Classes; i++)
        {
            predicted += _matrix[i, c];
            actual += _matrix[c, i];
        }
        double precision = predicted == 0 ? 0 : (double)tp / predicted;
        double recall = actual == 0 ? 0 : (double)tp / actual;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassMetrics(_names[c], precision, recall, f1, actual);
    }
}
