using Deepen.Layers;
using Deepen.Utils;

namespace Deepen.Losses;

/// <summary>Resolves Keras loss names to <see cref="Loss"/> objects.</summary>
/// <example><code>Loss loss = LossRegistry.Get("sparse_categorical_crossentropy");</code></example>
public static class LossRegistry
{
    static readonly Dictionary<string, Func<Loss>> Table = new()
    {
        ["mse"] = () => new MeanSquaredError(),
        ["mean_squared_error"] = () => new MeanSquaredError(),
        ["mae"] = () => new MeanAbsoluteError(),
        ["mean_absolute_error"] = () => new MeanAbsoluteError(),
        ["mape"] = () => new MeanAbsolutePercentageError(),
        ["mean_absolute_percentage_error"] = () => new MeanAbsolutePercentageError(),
        ["msle"] = () => new MeanSquaredLogarithmicError(),
        ["mean_squared_logarithmic_error"] = () => new MeanSquaredLogarithmicError(),
        ["binary_crossentropy"] = () => new BinaryCrossentropy(),
        ["categorical_crossentropy"] = () => new CategoricalCrossentropy(),
        ["sparse_categorical_crossentropy"] = () => new SparseCategoricalCrossentropy(),
        ["binary_focal_crossentropy"] = () => new BinaryFocalCrossentropy(),
        ["categorical_focal_crossentropy"] = () => new CategoricalFocalCrossentropy(),
        ["huber"] = () => new Huber(),
        ["huber_loss"] = () => new Huber(),
        ["log_cosh"] = () => new LogCosh(),
        ["logcosh"] = () => new LogCosh(),
        ["kl_divergence"] = () => new KLDivergence(),
        ["kld"] = () => new KLDivergence(),
        ["poisson"] = () => new Poisson(),
        ["cosine_similarity"] = () => new CosineSimilarity(),
        ["hinge"] = () => new Hinge(),
        ["squared_hinge"] = () => new SquaredHinge(),
        ["categorical_hinge"] = () => new CategoricalHinge(),
    };

    /// <summary>The accepted names.</summary>
    public static IReadOnlyCollection<string> Names => Table.Keys;

    /// <summary>A new loss for <paramref name="name"/>.</summary>
    public static Loss Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "loss");
        return Table.TryGetValue(name.Trim().ToLowerInvariant(), out var f) ? f()
            : throw Check.Invalid("loss", name, "one of " + string.Join(", ", Table.Keys.Select(k => $"\"{k}\"")) + ", or a Loss object");
    }

    /// <summary>Rebuilds a loss from its saved name and from_logits flag, and its saved config when there is one.</summary>
    internal static Loss FromConfig(string name, bool fromLogits, LayerConfig? c = null)
    {
        string reduction = c?.GetStringOrNull("reduction") ?? "sum_over_batch_size";
        double D(string key, double d) => c is not null && c.Has(key) ? c.GetDouble(key) : d;
        int I(string key, int d) => c is not null && c.Has(key) ? c.GetInt(key) : d;
        return name switch
        {
            "binary_crossentropy" => new BinaryCrossentropy(fromLogits, D("label_smoothing", 0), I("axis", -1), reduction),
            "categorical_crossentropy" => new CategoricalCrossentropy(fromLogits, D("label_smoothing", 0), I("axis", -1), reduction),
            "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(fromLogits, c is not null && c.Has("ignore_class") ? c.GetInt("ignore_class") : null, reduction),
            "binary_focal_crossentropy" => new BinaryFocalCrossentropy(c is not null && c.Has("apply_class_balancing") && c.GetBool("apply_class_balancing"),
                D("alpha", 0.25), D("gamma", 2), fromLogits, D("label_smoothing", 0), I("axis", -1), reduction),
            "categorical_focal_crossentropy" => new CategoricalFocalCrossentropy(D("alpha", 0.25), D("gamma", 2), fromLogits, D("label_smoothing", 0), I("axis", -1), reduction),
            "huber_loss" => new Huber(D("delta", 1), reduction),
            "cosine_similarity" => new CosineSimilarity(I("axis", -1), reduction),
            _ => Get(name),
        };
    }
}
