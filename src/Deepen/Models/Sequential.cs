using System.Text.Json.Nodes;
using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Models;

/// <summary>
/// A plain stack of layers, each with one input and one output, as Keras's Sequential: a functional model built from
/// its list once the input shape is known, so it runs (masks, fused logits, explanations) through the same graph as
/// <c>new Model(inputs, outputs)</c>. Only the first layer
/// needs an input shape (or put an <see cref="Input"/> first); the rest are inferred. Without any input shape the
/// model builds on the first data it sees.
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new Dense(64, activation: "relu", inputShape: 20),
///     new Dropout(0.5),
///     new Dense(1, activation: "sigmoid"));
/// model.Add(new Dense(1)); // layers can also be added one by one
/// </code></example>
public sealed class Sequential : Model
{
    readonly List<Layer> _layers = new();
    Shape? _inputShape;

    /// <summary>Creates a model from layers.</summary>
    public Sequential(params Layer[] layers) : this((IEnumerable<Layer>)layers) { }

    /// <summary>Creates a model from layers, with an optional name.</summary>
    public Sequential(IEnumerable<Layer>? layers, string? name = null) : base(name ?? "sequential")
    {
        foreach (var l in layers ?? Enumerable.Empty<Layer>()) Add(l);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Layer> Layers => _layers;
    /// <inheritdoc/>
    public override Shape? InputShape => _inputShape;
    /// <inheritdoc/>
    public override Shape? OutputShape => _layers.Count == 0 ? _inputShape : _layers[^1].OutputShape;
    /// <inheritdoc/>
    public override bool Built => _inputShape is not null && _layers.All(l => l.Built);

    /// <summary>Appends a layer; builds it at once when the input shape is known.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (_layers.Contains(layer)) throw new ArgumentException($"Layer \"{layer.Name}\" is already in this model.", nameof(layer));
        if (layer is Input input)
        {
            if (_layers.Count > 0 || _inputShape is not null)
                throw new ArgumentException("An Input can only be the first element of a Sequential model.", nameof(layer));
            _inputShape = input.Shape;
            return;
        }
        if (layer.InputShape is not null && (_layers.Count > 0 || _inputShape is not null))
            throw new ArgumentException(
                $"Layer \"{(layer.Name.Length > 0 ? layer.Name : layer.DefaultName)}\" declares inputShape={layer.InputShape}, but only the first layer of a Sequential model may: the others infer their input shape.", nameof(layer));
        AssignName(layer);
        if (_layers.Count == 0 && layer.InputShape is not null) _inputShape = layer.InputShape;
        _layers.Add(layer);
        if (_inputShape is not null) layer.Build(_layers.Count == 1 ? _inputShape : _layers[^2].OutputShape!);
        _graphOfList = null;
    }

    void AssignName(Layer layer)
    {
        var taken = _layers.Select(l => l.Name).ToHashSet();
        if (layer.Name.Length > 0)
        {
            if (taken.Contains(layer.Name))
                throw new ArgumentException(
                    $"All layers added to a Sequential model should have unique names. Name \"{layer.Name}\" is already the name of a layer in this model.", nameof(layer));
            return;
        }
        string baseName = layer.DefaultName, name = baseName;
        for (int i = 1; taken.Contains(name); i++) name = $"{baseName}_{i}";
        layer.Name = name;
    }

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (_inputShape is not null && !_inputShape.Equals(inputShape))
            throw new ArgumentException($"Model \"{Name}\" expects inputs of shape {_inputShape.ToBatchString()}, received {inputShape.ToBatchString()}.", nameof(inputShape));
        if (_layers.Count == 0) throw new InvalidOperationException($"Model \"{Name}\" has no layers to build.");
        _inputShape = inputShape;
        var shape = inputShape;
        foreach (var l in _layers) shape = l.Build(shape);
        _graphOfList = null;
    }

    /// <summary>
    /// The functional graph of the list, as Keras's Sequential builds one: an <see cref="Input"/> of the input shape,
    /// then each layer called on the previous one's output. Made (again) whenever the input shape is known and the
    /// list changes; symbolic calls only build layers that are not built yet, so weights are kept.
    /// </summary>
    FunctionalGraph? _graphOfList;

    FunctionalGraph GraphOfList => _graphOfList ??= BuildGraph()
        ?? throw new InvalidOperationException(_layers.Count == 0 ? $"Model \"{Name}\" has no layers." : $"Model \"{Name}\" is not built yet: give the first layer an inputShape, or call Build.");

    FunctionalGraph? BuildGraph()
    {
        if (_inputShape is null || _layers.Count == 0) return null;
        var taken = _layers.Select(l => l.Name).ToHashSet();
        string inputName = "input_layer";
        for (int i = 1; taken.Contains(inputName); i++) inputName = $"input_layer_{i}";
        KerasTensor input = new Input(_inputShape, name: inputName);
        var x = input;
        // One single-tensor call per layer (a layer that can take a list, such as MultiHeadAttention, gets one tensor here).
        foreach (var layer in _layers) x = new Node(layer, new[] { x }, listCall: false, layer.Build(x.Shape)).Output;
        return new FunctionalGraph(new[] { input }, new[] { x });
    }

    internal override Tensor Forward(Tensor x, bool training, bool logits) =>
        GraphOfList.Forward(new[] { x }, training, logits ? new[] { true } : null)[0];

    internal override (Tensor Activation, Tensor Output) ForwardWithActivation(Tensor x, Layer layer, bool logits) =>
        ForwardWithActivation(GraphOfList, x, layer, logits);

    /// <inheritdoc/>
    public override LayerConfig GetConfig()
    {
        var layers = new JsonArray();
        foreach (var l in _layers)
            layers.Add(new JsonObject { ["class_name"] = l.ClassName, ["config"] = l.GetConfig().Json });
        var c = new LayerConfig().Set("name", Name).Set("layers", layers);
        if (_inputShape is not null) c.Set("build_input_shape", _inputShape);
        return c;
    }

    internal static Sequential FromConfig(LayerConfig config)
    {
        var model = new Sequential(null, config.GetString("name"));
        var layers = config.Json["layers"] as JsonArray ?? throw new FormatException("Sequential config has no \"layers\" array.");
        int index = 0;
        foreach (var node in layers)
        {
            if (node is not JsonObject o || o["class_name"]?.GetValue<string>() is not string cls || o["config"] is not JsonObject lc)
                throw new FormatException($"Layer {index} of the model config is not of the form {{\"class_name\": ..., \"config\": {{...}}}}.");
            model.Add(LayerRegistry.Create(cls, new LayerConfig(lc.DeepClone().AsObject())));
            index++;
        }
        if (!model.Built && config.GetShapeOrNull("build_input_shape") is Shape shape) model.Build(shape);
        return model;
    }
}
