using System.Text.Json.Nodes;
using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Models;

/// <summary>
/// A plain stack of layers, each with one input and one output, as Keras's Sequential. Only the first layer
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
    }

    internal override Tensor Forward(Tensor x, bool training, bool logits) => Forward(x, training, logits, capture: -1, out _);

    internal override (Tensor Activation, Tensor Output) ForwardWithActivation(Tensor x, Layer layer, bool logits)
    {
        int target = _layers.IndexOf(layer);
        if (target < 0) throw new ArgumentException($"Layer \"{layer.Name}\" is not a layer of model \"{Name}\".", nameof(layer));
        var output = Forward(x, training: false, logits, target, out var activation);
        // The activation must be the very tensor the output was computed from (an alias would be a new node that no
        // gradient flows through); when the target is the last layer, the output is a view of it instead.
        return ReferenceEquals(activation, output) ? (activation!, output.alias()) : (activation!, output);
    }

    /// <summary>Runs the layers; also hands out the output of layer <paramref name="capture"/> (−1: none), still in the graph.</summary>
    Tensor Forward(Tensor x, bool training, bool logits, int capture, out Tensor? captured)
    {
        if (_layers.Count == 0) throw new InvalidOperationException($"Model \"{Name}\" has no layers.");
        using var scope = NewDisposeScope();
        var h = x;
        captured = null;
        Tensor? mask = null;                                // Keras's mask propagation: Embedding(maskZero) → LSTM …
        for (int i = 0; i < _layers.Count - 1; i++)
        {
            var layer = _layers[i];
            var next = mask is null ? layer.Call(h, training) : layer.Call(h, mask, training);
            mask = layer.ComputeMask(h, mask);
            h = next;
            if (i == capture) captured = h.MoveToOuterDisposeScope();
        }
        var last = _layers[^1];
        var y = logits ? last.CallWithoutActivation(h, mask, training)
            : mask is null ? last.Call(h, training) : last.Call(h, mask, training);
        if (capture == _layers.Count - 1) captured = y;
        return y.MoveToOuterDisposeScope();
    }

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
