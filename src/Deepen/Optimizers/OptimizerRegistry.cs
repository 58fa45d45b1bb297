using Deepen.Utils;

namespace Deepen.Optimizers;

/// <summary>Resolves Keras optimizer names ("sgd", "adam", "adamw", "rmsprop") to optimizers with Keras's defaults.</summary>
/// <example><code>Optimizer opt = OptimizerRegistry.Get("adam", learningRate: 1e-4);</code></example>
public static class OptimizerRegistry
{
    static readonly Dictionary<string, Func<LayerConfig, Optimizer>> Loaders = new()
    {
        ["sgd"] = SGD.FromConfig,
        ["adam"] = Adam.FromConfig,
        ["adamw"] = AdamW.FromConfig,
        ["rmsprop"] = RMSprop.FromConfig,
    };

    /// <summary>The accepted names.</summary>
    public static IReadOnlyCollection<string> Names => Loaders.Keys;

    /// <summary>A new optimizer called <paramref name="name"/>, with an optional learning rate.</summary>
    public static Optimizer Get(string name, double? learningRate = null)
    {
        ArgumentNullException.ThrowIfNull(name, "optimizer");
        return name.Trim().ToLowerInvariant() switch
        {
            "sgd" => new SGD(learningRate ?? 0.01),
            "adam" => new Adam(learningRate ?? 0.001),
            "adamw" => new AdamW(learningRate ?? 0.001),
            "rmsprop" => new RMSprop(learningRate ?? 0.001),
            _ => throw Check.Invalid("optimizer", name, "one of " + string.Join(", ", Loaders.Keys.Select(k => $"\"{k}\"")) + ", or an Optimizer object"),
        };
    }

    /// <summary>
    /// An optimizer from its Keras name and config (Keras's <c>optimizers.deserialize</c>), e.g. to copy one with a
    /// changed argument: <c>FromConfig(o.Name, o.GetConfig().Set("clipnorm", 1.0))</c>.
    /// </summary>
    /// <example><code>var clipped = OptimizerRegistry.FromConfig("adam", new Adam().GetConfig().Set("global_clipnorm", 1.0));</code></example>
    public static Optimizer FromConfig(string name, LayerConfig config) =>
        Loaders.TryGetValue(name, out var f) ? f(config)
            : throw new FormatException($"Unknown optimizer \"{name}\" in the model file. Known: {string.Join(", ", Loaders.Keys)}.");
}
