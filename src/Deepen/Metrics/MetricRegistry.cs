using Deepen.Losses;
using Deepen.Utils;

namespace Deepen.Metrics;

/// <summary>
/// Resolves metric names. "accuracy" (or "acc") becomes binary, categorical or sparse-categorical accuracy from
/// the loss and the output shape, as Keras does, and keeps the name "accuracy" in logs.
/// </summary>
public static class MetricRegistry
{
    static readonly string[] Known = { "accuracy", "acc", "binary_accuracy", "categorical_accuracy",
        "sparse_categorical_accuracy", "precision", "recall", "auc" };

    /// <summary>The accepted names.</summary>
    public static IReadOnlyCollection<string> Names => Known;

    /// <summary>Checks a metric name without resolving it.</summary>
    public static string Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "metrics");
        string n = name.Trim().ToLowerInvariant();
        return Known.Contains(n) ? n
            : throw Check.Invalid("metrics", name, "names among " + string.Join(", ", Known.Select(k => $"\"{k}\"")) + ", or Metric objects");
    }

    /// <summary>A new metric for <paramref name="name"/>, given the loss and the model's output size.</summary>
    public static Metric Get(string name, Loss loss, int outputUnits, bool sparseTargets)
    {
        string n = Validate(name);
        switch (n)
        {
            case "accuracy":
            case "acc":
                string displayName = n == "acc" ? "acc" : "accuracy";
                if (loss is SparseCategoricalCrossentropy) return new SparseCategoricalAccuracy(displayName);
                if (loss is CategoricalCrossentropy) return new CategoricalAccuracy(displayName);
                if (loss is BinaryCrossentropy || outputUnits == 1) return new BinaryAccuracy(displayName);
                return sparseTargets ? new SparseCategoricalAccuracy(displayName) : new CategoricalAccuracy(displayName);
            case "binary_accuracy": return new BinaryAccuracy();
            case "categorical_accuracy": return new CategoricalAccuracy();
            case "sparse_categorical_accuracy": return new SparseCategoricalAccuracy();
            case "precision": return new Precision();
            case "recall": return new Recall();
            default: return new AUC();
        }
    }
}
