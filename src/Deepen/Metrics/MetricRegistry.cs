using Deepen.Layers;
using Deepen.Losses;
using Deepen.Utils;

namespace Deepen.Metrics;

/// <summary>
/// Resolves metric names, as Keras's <c>metrics.get</c>: the snake_case names of the metric classes Deepen has
/// ("f1_score", "top_k_categorical_accuracy", "true_positives", …), their class names ("F1Score", "AUC"), and the loss
/// names Keras accepts as metrics ("mse", "binary_crossentropy", …). "accuracy" (or "acc") becomes binary,
/// categorical or sparse-categorical accuracy from the loss and the output shape, as Keras does. A metric made from a
/// string keeps that string as its name in logs, as in Keras (compile_utils.get_metric). Metrics that need
/// arguments (MeanIoU's number of classes) are passed as objects.
/// </summary>
/// <example><code>model.Compile("adam", "categorical_crossentropy", ["accuracy", "f1_score", "top_k_categorical_accuracy"]);</code></example>
public static class MetricRegistry
{
    static readonly Dictionary<string, Func<string, Metric>> Table = new()
    {
        ["binary_accuracy"] = n => new BinaryAccuracy(n),
        ["categorical_accuracy"] = n => new CategoricalAccuracy(n),
        ["sparse_categorical_accuracy"] = n => new SparseCategoricalAccuracy(n),
        ["top_k_categorical_accuracy"] = n => new TopKCategoricalAccuracy(name: n),
        ["sparse_top_k_categorical_accuracy"] = n => new SparseTopKCategoricalAccuracy(name: n),
        ["precision"] = n => new Precision(n),
        ["recall"] = n => new Recall(n),
        ["auc"] = n => new AUC(n),
        ["true_positives"] = n => new TruePositives(name: n),
        ["false_positives"] = n => new FalsePositives(name: n),
        ["true_negatives"] = n => new TrueNegatives(name: n),
        ["false_negatives"] = n => new FalseNegatives(name: n),
        ["f1_score"] = n => new F1Score(name: n),
        ["f_beta_score"] = n => new FBetaScore(name: n),
        // Keras's metrics module also holds the losses' functions and metric classes of the same names.
        ["mean_squared_error"] = n => new LossMetric(new MeanSquaredError(), n),
        ["mse"] = n => new LossMetric(new MeanSquaredError(), n),
        ["mean_absolute_error"] = n => new LossMetric(new MeanAbsoluteError(), n),
        ["mae"] = n => new LossMetric(new MeanAbsoluteError(), n),
        ["mean_absolute_percentage_error"] = n => new LossMetric(new MeanAbsolutePercentageError(), n),
        ["mape"] = n => new LossMetric(new MeanAbsolutePercentageError(), n),
        ["mean_squared_logarithmic_error"] = n => new LossMetric(new MeanSquaredLogarithmicError(), n),
        ["msle"] = n => new LossMetric(new MeanSquaredLogarithmicError(), n),
        ["binary_crossentropy"] = n => new LossMetric(new BinaryCrossentropy(), n),
        ["bce"] = n => new LossMetric(new BinaryCrossentropy(), n),
        ["categorical_crossentropy"] = n => new LossMetric(new CategoricalCrossentropy(), n),
        ["sparse_categorical_crossentropy"] = n => new LossMetric(new SparseCategoricalCrossentropy(), n),
        ["kl_divergence"] = n => new LossMetric(new KLDivergence(), n),
        ["poisson"] = n => new LossMetric(new Poisson(), n),
        ["hinge"] = n => new LossMetric(new Hinge(), n),
        ["squared_hinge"] = n => new LossMetric(new SquaredHinge(), n),
        ["categorical_hinge"] = n => new LossMetric(new CategoricalHinge(), n),
        ["cosine_similarity"] = n => new LossMetric(new CosineSimilarity(), n),
        ["log_cosh_error"] = n => new LossMetric(new LogCosh(), n),
    };

    static readonly string[] Known = new[] { "accuracy", "acc" }.Concat(Table.Keys).ToArray();

    /// <summary>The accepted names (snake_case; class names such as "F1Score" are accepted too).</summary>
    public static IReadOnlyCollection<string> Names => Known;

    /// <summary>Checks a metric name without resolving it, and returns its canonical key.</summary>
    public static string Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "metrics");
        string trimmed = name.Trim();
        string n = trimmed.ToLowerInvariant();
        if (Known.Contains(n)) return n;
        string snake = Layer.ToSnakeCase(trimmed);                      // Keras also accepts class names: "F1Score"
        if (Known.Contains(snake)) return snake;
        if (n is "mean_iou" or "meaniou" or "mean_io_u")
            throw new ArgumentException($"Invalid value received for argument `metrics`. MeanIoU needs the number of classes: pass new MeanIoU(numClasses: n) instead of a name. Received: metrics=\"{name}\"", "metrics");
        throw Check.Invalid("metrics", name, "names among " + string.Join(", ", Known.Select(k => $"\"{k}\"")) + ", or Metric objects");
    }

    /// <summary>A new metric for <paramref name="name"/>, given the loss and the model's output size.</summary>
    public static Metric Get(string name, Loss loss, int outputUnits, bool sparseTargets)
    {
        string n = Validate(name);
        string displayName = name.Trim();
        if (n is "accuracy" or "acc")
        {
            displayName = n;
            if (loss is SparseCategoricalCrossentropy) return new SparseCategoricalAccuracy(displayName);
            if (loss is CategoricalCrossentropy) return new CategoricalAccuracy(displayName);
            if (loss is BinaryCrossentropy || outputUnits == 1) return new BinaryAccuracy(displayName);
            return sparseTargets ? new SparseCategoricalAccuracy(displayName) : new CategoricalAccuracy(displayName);
        }
        return Table[n](displayName);
    }
}
