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
        ["binary_crossentropy"] = () => new BinaryCrossentropy(),
        ["categorical_crossentropy"] = () => new CategoricalCrossentropy(),
        ["sparse_categorical_crossentropy"] = () => new SparseCategoricalCrossentropy(),
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

    /// <summary>Rebuilds a loss from its saved name and from_logits flag.</summary>
    internal static Loss FromConfig(string name, bool fromLogits) => name switch
    {
        "binary_crossentropy" => new BinaryCrossentropy(fromLogits),
        "categorical_crossentropy" => new CategoricalCrossentropy(fromLogits),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(fromLogits),
        _ => Get(name),
    };
}
