using System.Text.Json.Nodes;
using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Onnx.Ops;

/// <summary>
/// One output of an imported ONNX node that has no Deepen layer of its own (shape arithmetic such as Shape, Gather,
/// Unsqueeze, Reshape, Transpose; Erf, Pow, ReduceMean, Where, Cast, …), run on LibTorch by <see cref="OnnxKernels"/>.
/// Its float initializers are weights of the layer (trainable, except scalars, which stay constants), so
/// <c>Fit</c> fine-tunes them; integer initializers are constants kept in the config. Inputs that arrive
/// channels-last (Deepen's image layout) are viewed in ONNX's channels-first layout before the op runs, and the
/// output is viewed back when the op keeps the layout. Saved and loaded like any layer (class name "OnnxOp").
/// </summary>
/// <example><code>
/// var model = Model.FromOnnx("minilm.onnx", new OnnxImportOptions { InputShapes = { ["input_ids"] = [16] } });
/// foreach (var op in model.Layers.OfType&lt;OnnxOp&gt;()) Console.WriteLine($"{op.Name}: {op.OpType}");
/// </code></example>
public sealed class OnnxOp : Layer
{
    readonly JsonObject _config;
    readonly OnnxInputSlot[] _slots;
    readonly bool[] _channelsLast;
    readonly Tensor?[] _constants;
    readonly Weight?[] _slotWeights;
    readonly Shape _outputShape;
    readonly OnnxAttributes _attributes;

    OnnxOp(JsonObject config, string? name) : base(name)
    {
        _config = config;
        OpType = Read(() => config["op_type"]!.GetValue<string>(), "op_type");
        if (!OnnxKernels.Supports(OpType))
            throw new FormatException($"OnnxOp: op_type \"{OpType}\" is not supported. Supported ops: {string.Join(", ", OnnxKernels.Ops)}.");
        Opset = Read(() => config["opset"]!.GetValue<int>(), "opset");
        OutputIndex = Read(() => config["output_index"]?.GetValue<int>() ?? 0, "output_index");
        ChannelsLastOutput = Read(() => config["output_channels_last"]?.GetValue<bool>() ?? false, "output_channels_last");
        _attributes = new OnnxAttributes(config["attributes"] as JsonObject ?? new JsonObject());
        var slots = config["inputs"] as JsonArray ?? throw new FormatException("OnnxOp config has no `inputs` array.");
        _slots = slots.Select((s, i) => OnnxInputSlot.FromJson(s as JsonObject ?? throw new FormatException($"OnnxOp input {i} is not an object."))).ToArray();
        GraphInputs = _slots.Count(s => s.Kind == OnnxInputKind.Input);
        if (GraphInputs == 0) throw new FormatException($"OnnxOp \"{name}\" ({OpType}) reads no graph input; constant nodes are folded on import.");
        _channelsLast = (config["channels_last"] as JsonArray)?.Select(n => n!.GetValue<bool>()).ToArray() ?? new bool[GraphInputs];
        if (_channelsLast.Length != GraphInputs) throw new FormatException($"OnnxOp \"{name}\": `channels_last` has {_channelsLast.Length} entries for {GraphInputs} graph inputs.");
        _outputShape = new Shape(Read(() => (config["output_shape"] as JsonArray)!.Select(n => n!.GetValue<int>()).ToArray(), "output_shape"));
        _constants = _slots.Select(s => s.Constant).ToArray();
        _slotWeights = new Weight?[_slots.Length];
    }

    static T Read<T>(Func<T> read, string key)
    {
        try { return read(); }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new FormatException($"OnnxOp config value `{key}` is missing or has the wrong type.", e);
        }
    }

    /// <summary>The ONNX operator, e.g. "Gather".</summary>
    public string OpType { get; }
    /// <summary>The opset the node was written for (its attribute and input conventions).</summary>
    public int Opset { get; }
    /// <summary>Which output of the ONNX node this layer returns (Split has several; one layer per output).</summary>
    public int OutputIndex { get; }
    /// <summary>Whether the output is returned channels-last (an image tensor in Deepen's layout).</summary>
    public bool ChannelsLastOutput { get; }
    /// <summary>The number of model tensors the layer reads.</summary>
    public int GraphInputs { get; }
    /// <summary>The node's inputs in ONNX order: model tensors, weights, constants and absent optional inputs.</summary>
    public IReadOnlyList<OnnxInputSlot> Slots => _slots;
    /// <summary>Whether each model tensor read arrives channels-last.</summary>
    public IReadOnlyList<bool> ChannelsLastInputs => _channelsLast;
    /// <summary>The node's attributes.</summary>
    public OnnxAttributes Attributes => _attributes;
    /// <summary>The weight of input slot <paramref name="slot"/>, if it is one.</summary>
    public Weight? SlotWeight(int slot) => _slotWeights[slot];

    /// <inheritdoc/>
    public override string ClassName => "OnnxOp";
    /// <inheritdoc/>
    public override bool TakesMultipleInputs => true;

    /// <inheritdoc/>
    protected override void OnBuild(IReadOnlyList<Shape> inputShapes)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            var s = _slots[i];
            if (s.Kind != OnnxInputKind.Weight) continue;
            long fan = s.WeightShape!.Length == 0 ? 1 : s.WeightShape[^1];
            _slotWeights[i] = AddWeight(s.WeightName!, s.WeightShape, "zeros", fan, fan, s.Trainable);
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count != GraphInputs)
            throw new ArgumentException($"Layer \"{Name}\" ({OpType}) expects {GraphInputs} input tensor(s), received {inputShapes.Count}.");
        return _outputShape;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => ComputeOutputShape(new[] { inputShape });

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(new[] { inputs }, training);

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != GraphInputs)
            throw new ArgumentException($"Layer \"{Name}\" ({OpType}) expects {GraphInputs} input tensor(s), received {inputs.Count}.");
        using var scope = NewDisposeScope();
        var args = new Tensor?[_slots.Length];
        int k = 0;
        var device = inputs[0].device;
        for (int i = 0; i < _slots.Length; i++)
        {
            switch (_slots[i].Kind)
            {
                case OnnxInputKind.Input:
                    args[i] = _channelsLast[k] ? inputs[k].permute(0, 3, 1, 2) : inputs[k];
                    k++;
                    break;
                case OnnxInputKind.Weight: args[i] = _slotWeights[i]!.Value; break;
                case OnnxInputKind.Constant:
                    if (_constants[i]!.device != device) _constants[i] = _constants[i]!.to(device).DetachFromDisposeScope();
                    args[i] = _constants[i];
                    break;
            }
        }
        var y = OnnxKernels.Run(OpType, args, _attributes, Opset, OutputIndex);
        if (ChannelsLastOutput) y = y.permute(0, 2, 3, 1);
        return y.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig()
    {
        var c = base.GetConfig();
        foreach (var kv in _config) c.Set(kv.Key, kv.Value?.DeepClone());
        return c;
    }

    /// <summary>Creates the layer for one output of an ONNX node (used by the importer).</summary>
    internal static OnnxOp Create(string opType, int opset, JsonObject attributes, IReadOnlyList<OnnxInputSlot> slots,
        IReadOnlyList<bool> channelsLast, bool channelsLastOutput, int outputIndex, Shape outputShape, string name) =>
        new(new JsonObject
        {
            ["op_type"] = opType,
            ["opset"] = opset,
            ["attributes"] = attributes,
            ["inputs"] = new JsonArray(slots.Select(s => (JsonNode?)s.ToJson()).ToArray()),
            ["channels_last"] = new JsonArray(channelsLast.Select(b => (JsonNode?)JsonValue.Create(b)).ToArray()),
            ["output_channels_last"] = channelsLastOutput,
            ["output_index"] = outputIndex,
            ["output_shape"] = new JsonArray(outputShape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
        }, name);

    internal static Layer FromConfig(LayerConfig c)
    {
        var json = (JsonObject)c.Json.DeepClone();
        foreach (var key in new[] { "name", "trainable", "input_shape" }) json.Remove(key);
        return new OnnxOp(json, c.GetStringOrNull("name"));
    }
}
