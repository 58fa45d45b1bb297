using System.Reflection;

namespace Deepen.Layers;

/// <summary>
/// Maps saved class names to factories. Loading a model only constructs layers registered here, so a model file
/// can never make Deepen run code it names. Register your own layer classes to load models that use them.
/// </summary>
/// <example><code>LayerRegistry.Register&lt;Scale&gt;();   // or LayerRegistry.Register("Scale", config => new Scale());</code></example>
public static class LayerRegistry
{
    static readonly Dictionary<string, Func<LayerConfig, Layer>> Factories = Discover();

    /// <summary>
    /// Every public, concrete layer class of the library registers itself: by its Keras class name (the type's name;
    /// "InputLayer" for <see cref="Input"/>), with its own <c>static FromConfig(LayerConfig)</c> when it has one and
    /// otherwise by binding the config to its constructor. Models are rebuilt from their own configs, not here.
    /// </summary>
    static Dictionary<string, Func<LayerConfig, Layer>> Discover()
    {
        var factories = new Dictionary<string, Func<LayerConfig, Layer>>(StringComparer.Ordinal);
        foreach (var type in typeof(Layer).Assembly.GetTypes())
        {
            if (!type.IsSubclassOf(typeof(Layer)) || type.IsAbstract || !type.IsPublic || type.ContainsGenericParameters) continue;
            if (type.Namespace?.StartsWith("Deepen.Models", StringComparison.Ordinal) == true) continue;
            var fromConfig = type.GetMethod("FromConfig", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(LayerConfig) });
            factories.Add(type == typeof(Input) ? "InputLayer" : type.Name,
                fromConfig is not null && typeof(Layer).IsAssignableFrom(fromConfig.ReturnType)
                    ? fromConfig.CreateDelegate<Func<LayerConfig, Layer>>()
                    : config => ConfigBinder.Create(type, config));
        }
        return factories;
    }

    static Layer Bind<T>(LayerConfig config) where T : Layer => ConfigBinder.Create(typeof(T), config);

    /// <summary>
    /// Registers a layer class whose public constructor takes plain values (numbers, strings, booleans, sizes): its
    /// configs are bound to the constructor's parameters by snake_case name, missing keys taking the defaults.
    /// </summary>
    public static void Register<T>() where T : Layer => Register(typeof(T).Name, Bind<T>);

    /// <summary>Registers (or replaces) the factory for <paramref name="className"/>.</summary>
    public static void Register(string className, Func<LayerConfig, Layer> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Factories) Factories[className] = factory;
    }

    /// <summary>The registered class names.</summary>
    public static IReadOnlyCollection<string> ClassNames { get { lock (Factories) return Factories.Keys.ToArray(); } }

    /// <summary>Rebuilds a layer from its class name and config (name, trainability and input shape included).</summary>
    public static Layer Create(string className, LayerConfig config)
    {
        Func<LayerConfig, Layer>? factory;
        lock (Factories) Factories.TryGetValue(className, out factory);
        if (factory is null)
            throw new FormatException(
                $"Unknown layer class \"{className}\" in the model config. Known classes: {string.Join(", ", ClassNames.Order())}. " +
                "Register custom layers with LayerRegistry.Register before loading.");
        var layer = factory(config);
        layer.Name = config.GetStringOrNull("name") ?? layer.Name;
        layer.InputShape = config.GetShapeOrNull("input_shape") ?? layer.InputShape;
        if (config.Has("trainable")) layer.Trainable = config.GetBool("trainable");
        return layer;
    }
}
