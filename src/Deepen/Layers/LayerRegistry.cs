namespace Deepen.Layers;

/// <summary>
/// Maps saved class names to factories. Loading a model only constructs layers registered here, so a model file
/// can never make Deepen run code it names. Register your own layer classes to load models that use them.
/// </summary>
/// <example><code>LayerRegistry.Register&lt;Scale&gt;();   // or LayerRegistry.Register("Scale", config => new Scale());</code></example>
public static class LayerRegistry
{
    static readonly Dictionary<string, Func<LayerConfig, Layer>> Factories = new()
    {
        ["InputLayer"] = Input.FromConfig,
        ["Dense"] = Bind<Dense>,
        ["Activation"] = Bind<Activation>,
        ["Flatten"] = Bind<Flatten>,
        ["Rescaling"] = Bind<Rescaling>,
        ["Dropout"] = Bind<Dropout>,
        ["Conv2D"] = Bind<Conv2D>,
        ["MaxPooling2D"] = Bind<MaxPooling2D>,
        ["AveragePooling2D"] = Bind<AveragePooling2D>,
        ["GlobalAveragePooling2D"] = Bind<GlobalAveragePooling2D>,
        ["GlobalMaxPooling2D"] = Bind<GlobalMaxPooling2D>,
        ["UpSampling2D"] = Bind<UpSampling2D>,
        ["BatchNormalization"] = Bind<BatchNormalization>,
        ["Embedding"] = Bind<Embedding>,
        ["SimpleRNN"] = Bind<SimpleRNN>,
        ["LSTM"] = Bind<LSTM>,
        ["GRU"] = Bind<GRU>,
        ["Conv1D"] = Bind<Conv1D>,
        ["MaxPooling1D"] = Bind<MaxPooling1D>,
        ["AveragePooling1D"] = Bind<AveragePooling1D>,
        ["GlobalAveragePooling1D"] = Bind<GlobalAveragePooling1D>,
        ["GlobalMaxPooling1D"] = Bind<GlobalMaxPooling1D>,
        ["LayerNormalization"] = Bind<LayerNormalization>,
        ["MultiHeadAttention"] = Bind<MultiHeadAttention>,
        ["TransformerEncoder"] = Bind<TransformerEncoder>,
        ["PositionEmbedding"] = Bind<PositionEmbedding>,
        ["TokenAndPositionEmbedding"] = Bind<TokenAndPositionEmbedding>,
        ["Bidirectional"] = Bidirectional.FromConfig,
        ["TimeDistributed"] = TimeDistributed.FromConfig,
        ["RandomFlip"] = RandomFlip.FromConfig,
        ["RandomRotation"] = RandomRotation.FromConfig,
        ["RandomZoom"] = RandomZoom.FromConfig,
        ["RandomTranslation"] = RandomTranslation.FromConfig,
        ["RandomContrast"] = RandomContrast.FromConfig,
        ["TextVectorization"] = TextVectorization.FromConfig,
        ["Add"] = Bind<Add>,
        ["Subtract"] = Bind<Subtract>,
        ["Multiply"] = Bind<Multiply>,
        ["Average"] = Bind<Average>,
        ["Maximum"] = Bind<Maximum>,
        ["Minimum"] = Bind<Minimum>,
        ["Concatenate"] = Bind<Concatenate>,
        ["ZeroPadding2D"] = ZeroPadding2D.FromConfig,
        ["Cropping1D"] = Cropping1D.FromConfig,
        ["Cropping2D"] = Cropping2D.FromConfig,
        ["Conv2DTranspose"] = Bind<Conv2DTranspose>,
        ["DepthwiseConv2D"] = Bind<DepthwiseConv2D>,
        ["SeparableConv2D"] = Bind<SeparableConv2D>,
        ["OnnxOp"] = Onnx.Ops.OnnxOp.FromConfig,
    };

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
