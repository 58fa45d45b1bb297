using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Onnx.Ops;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Onnx;

/// <summary>
/// Builds a functional Deepen model from ONNX files. Ops that match a Deepen layer become that layer (Conv →
/// ZeroPadding2D + Conv2D, BatchNormalization, Relu/Sigmoid/Tanh/Softmax → Activation, MaxPool/AveragePool →
/// pooling layers, GlobalAveragePool, Add/Sub/Mul/Max/Min of two model tensors → merge layers, Concat → Concatenate,
/// Gemm/MatMul with a constant matrix → Dense, Flatten); every other node becomes an <see cref="OnnxOp"/>. Each
/// value's layout is tracked: image tensors stay channels-last between layers that want it and are viewed
/// channels-first only inside the ops that need ONNX's layout. Shapes are found by running the graph once on a
/// batch of 2 zeros while it is built.
/// </summary>
internal sealed partial class OnnxImporter
{
    const int ProbeBatch = 2;

    internal sealed class Value
    {
        public KerasTensor? Symbolic;          // null for constants
        public bool ChannelsLast;
        public Tensor? Constant;               // constants (initializers, folded values)
        public Tensor? Probe;                  // the value on the probe batch, ONNX layout
        public bool Batched;
        public Layer? Producer;
        public KerasTensor? Other;             // the same value in the other layout, once made
        public string Name = "";
        public bool IsInitializer;             // a float initializer of rank ≥ 1 becomes a trainable weight
    }

    readonly OnnxImportOptions _options;
    readonly Dictionary<string, Value> _values = new();
    readonly HashSet<string> _names = new();
    readonly List<Input> _inputs = new();
    OnnxFile _file = null!;

    OnnxImporter(OnnxImportOptions options) => _options = options;

    public static Model Import(IReadOnlyList<string> paths, OnnxImportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw Utils.Check.Invalid(nameof(paths), "[]", "at least one ONNX file");
        var files = paths.Select(OnnxFile.Read).ToList();        // every file is checked before anything is built
        var importer = new OnnxImporter(options ?? new OnnxImportOptions());
        using var _ = no_grad();
        List<Value>? previous = null;
        for (int i = 0; i < files.Count; i++) previous = importer.ImportGraph(files[i], previous, $"m{i}/");
        var outputs = previous!.Select(v => v.Symbolic ?? throw new OnnxFormatException(files[^1].Path, $"output \"{v.Name}\" is a constant; a model's outputs must depend on its inputs.")).ToArray();
        foreach (var v in importer._values.Values) { v.Probe?.Dispose(); v.Probe = null; }
        string name = importer._options.Name ?? (files[^1].Graph.Name.Length > 0 ? Sanitize(files[^1].Graph.Name) : "onnx_model");
        return new Model(importer._inputs.Select(x => (KerasTensor)x).ToArray(), outputs, name);
    }

    List<Value> ImportGraph(OnnxFile file, List<Value>? feeds, string scope)
    {
        _file = file;
        var g = file.Graph;
        foreach (var t in g.Initializer)
            _values[scope + t.Name] = new Value { Constant = file.ToTensor(t), Name = t.Name, IsInitializer = true };
        var initializers = g.Initializer.Select(t => t.Name).ToHashSet();
        var graphInputs = g.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (feeds is not null && feeds.Count != graphInputs.Count)
            throw new OnnxFormatException(file.Path, $"the previous model has {feeds.Count} output(s) but this one takes {graphInputs.Count} input(s); models are chained output i → input i.");
        for (int i = 0; i < graphInputs.Count; i++)
            _values[scope + graphInputs[i].Name] = feeds is not null ? feeds[i] : CreateInput(graphInputs[i]);

        foreach (int index in file.TopologicalOrder())
        {
            var node = g.Node[index];
            try { ImportNode(node, index, scope); }
            catch (Exception e) when (e is not OnnxFormatException and not OutOfMemoryException)
            {
                throw new OnnxFormatException(file.Path, $"node \"{OnnxFile.NodeName(node, index)}\" ({node.OpType}) cannot be imported: {e.Message}", e);
            }
        }
        return g.Output.Select(o => _values[scope + o.Name]).ToList();
    }

    Value CreateInput(ValueInfoProto info)
    {
        var tt = info.Type?.TensorType ?? throw new OnnxFormatException(_file.Path, $"input \"{info.Name}\" is not a tensor.");
        var dims = tt.Shape?.Dim.ToList() ?? new();
        if (dims.Count == 0) throw new OnnxFormatException(_file.Path, $"input \"{info.Name}\" has no shape; Deepen inputs have a batch dimension first.");
        int[] shape;
        if (_options.InputShapes.TryGetValue(info.Name, out var given))
        {
            if (given.Length != dims.Count - 1)
                throw Utils.Check.Invalid($"InputShapes[\"{info.Name}\"]", "[" + string.Join(", ", given) + "]", $"{dims.Count - 1} dimensions (the file's rank without the batch)");
            shape = given;
        }
        else
        {
            shape = dims.Skip(1).Select((d, i) => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? (int)d.DimValue
                : throw new OnnxFormatException(_file.Path, $"dimension {i + 1} of input \"{info.Name}\" is open (\"{d.DimParam}\"); give it with OnnxImportOptions.InputShapes[\"{info.Name}\"] (the shape without the batch).")).ToArray();
        }
        var type = OnnxTypes.ToScalarType(tt.ElemType);
        // Files written by Deepen already take channels-last images.
        bool channelsLast = _options.ChannelsLast && _file.Model.ProducerName != "Deepen" && shape.Length == 3 && type is ScalarType.Float32 or ScalarType.Float64;
        var deepenShape = channelsLast ? new[] { shape[1], shape[2], shape[0] } : shape;
        var input = new Input(new Shape(deepenShape), UniqueName(info.Name));
        _inputs.Add(input);
        return new Value
        {
            Symbolic = input, ChannelsLast = channelsLast, Batched = true, Name = info.Name,
            Probe = zeros(new long[] { ProbeBatch }.Concat(shape.Select(d => (long)d)).ToArray(), type),
        };
    }

    string UniqueName(string raw)
    {
        string baseName = Sanitize(raw);
        if (baseName.Length == 0) baseName = "onnx";
        string name = baseName;
        for (int i = 1; !_names.Add(name); i++) name = $"{baseName}_{i}";
        return name;
    }

    static string Sanitize(string s) => InvalidChars().Replace(s, "_").Trim('_');

    [GeneratedRegex("[^A-Za-z0-9_.-]")] private static partial Regex InvalidChars();

    void ImportNode(NodeProto node, int index, string scope)
    {
        var inputs = node.Input.Select(n => n.Length == 0 ? null : _values[scope + n]).ToArray();
        var attributes = OnnxAttributeReader.Read(node, _file);
        string name = OnnxFile.NodeName(node, index);

        // Constants and nodes that read only constants are computed now.
        if (node.OpType == "Constant")
        {
            Define(scope, node.Output[0], new Value { Constant = OnnxAttributeReader.ConstantValue(node, _file), Name = node.Output[0] });
            return;
        }
        if (inputs.All(v => v is null || v.Constant is not null))
        {
            var outs = OnnxKernels.RunAll(node.OpType, inputs.Select(v => v?.Constant).ToArray(), attributes, _file.Opset);
            for (int k = 0; k < node.Output.Count && k < outs.Length; k++)
                if (node.Output[k].Length > 0) Define(scope, node.Output[k], new Value { Constant = outs[k], Name = node.Output[k] });
            return;
        }
        if (node.OpType is "Identity" || (node.OpType == "Dropout" && inputs.Length == 1))
        {
            Define(scope, node.Output[0], inputs[0]!);
            return;
        }
        var mapped = OnnxLayerMapping.TryMap(this, node, inputs, attributes, name);
        if (mapped is not null)
        {
            Define(scope, node.Output[0], mapped);
            return;
        }
        ImportAsOp(node, inputs, attributes, name, scope);
    }

    void Define(string scope, string name, Value value)
    {
        value.Name = name;
        _values[scope + name] = value;
    }

    void ImportAsOp(NodeProto node, Value?[] inputs, OnnxAttributes attributes, string name, string scope)
    {
        var graph = inputs.Where(v => v is not null && v.Constant is null).Select(v => v!).ToList();
        var probeArgs = inputs.Select(v => v is null ? null : v.Constant ?? v.Probe).ToArray();
        var outs = OnnxKernels.RunAll(node.OpType, probeArgs, attributes, _file.Opset);
        var slots = new List<OnnxInputSlot>();
        var weightValues = new Dictionary<int, Tensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var v = inputs[i];
            if (v is null) slots.Add(OnnxInputSlot.None());
            else if (v.Constant is null) slots.Add(OnnxInputSlot.Input());
            else if (v.Constant.is_floating_point() && (v.IsInitializer ? v.Constant.dim() > 0 : v.Constant.numel() > 1))
            {
                slots.Add(OnnxInputSlot.Weight($"input_{i}", v.Constant.shape, trainable: true, v.Name));
                weightValues[i] = v.Constant;
            }
            else if (v.Constant.numel() <= OnnxTensorJson.MaxElements) slots.Add(OnnxInputSlot.Const(v.Constant, v.Name));
            else throw new NotSupportedException($"input {i} (\"{v.Name}\") is a constant of {v.Constant.numel()} non-float elements; at most {OnnxTensorJson.MaxElements} are kept.");
        }
        bool batched = graph.Any(v => v.Batched) && node.OpType is not ("Shape" or "Size");
        bool preservesLayout = OnnxLayerMapping.PreservesLayout(node.OpType);
        for (int k = 0; k < node.Output.Count; k++)
        {
            if (node.Output[k].Length == 0 || k >= outs.Length) continue;
            var probe = outs[k];
            bool outBatched = batched && probe.dim() > 0 && probe.shape[0] == ProbeBatch;
            bool channelsLast = preservesLayout && probe.dim() == 4 && outBatched && graph[0].ChannelsLast;
            var layer = OnnxOp.Create(node.OpType, _file.Opset, (JsonObject)attributes.Json.DeepClone(), slots,
                graph.Select(v => v.ChannelsLast).ToArray(), channelsLast, k, ShapeOf(probe, outBatched, channelsLast),
                UniqueName(node.Output.Count > 1 ? $"{name}_{k}" : name));
            var symbolic = layer.Call(graph.Select(v => v.Symbolic!).ToArray());
            foreach (var (slot, value) in weightValues) layer.SlotWeight(slot)!.Assign(value);
            Define(scope, node.Output[k], new Value { Symbolic = symbolic, ChannelsLast = channelsLast, Probe = probe, Batched = outBatched, Producer = layer });
        }
    }

    /// <summary>A Deepen shape for a probe value: without the batch when batched, channels-last when asked.</summary>
    internal static Shape ShapeOf(Tensor probe, bool batched, bool channelsLast)
    {
        var dims = probe.shape.Skip(batched ? 1 : 0).Select(d => (int)Math.Max(1, d)).ToArray();
        if (channelsLast && dims.Length == 3) dims = new[] { dims[1], dims[2], dims[0] };
        return new Shape(dims);
    }

    // ----- helpers for OnnxLayerMapping -----

    internal int Opset => _file.Opset;
    internal string NewName(string raw) => UniqueName(raw);

    /// <summary>The value as a channels-last tensor (a 4-D image in Deepen's layout).</summary>
    internal KerasTensor ChannelsLastOf(Value v) => v.ChannelsLast ? v.Symbolic! : v.Other ??= Relayout(v, toChannelsLast: true);

    /// <summary>The value in ONNX's layout.</summary>
    internal KerasTensor OnnxLayoutOf(Value v) => !v.ChannelsLast ? v.Symbolic! : v.Other ??= Relayout(v, toChannelsLast: false);

    KerasTensor Relayout(Value v, bool toChannelsLast)
    {
        var layer = OnnxOp.Create("Identity", _file.Opset, new JsonObject(), new[] { OnnxInputSlot.Input() },
            new[] { v.ChannelsLast }, toChannelsLast, 0, ShapeOf(v.Probe!, v.Batched, toChannelsLast),
            UniqueName(v.Name + (toChannelsLast ? "_nhwc" : "_nchw")));
        return layer.Call(v.Symbolic!);
    }

    /// <summary>Calls a Deepen layer on model tensors and makes the output value; the probe runs through the layer.</summary>
    internal Value Apply(Layer layer, IReadOnlyList<(KerasTensor Symbolic, Value Source, bool ChannelsLast)> inputs, bool outputChannelsLast,
        Action<Layer>? assign = null)
    {
        var symbolic = inputs.Count == 1 && !layer.TakesMultipleInputs ? layer.Call(inputs[0].Symbolic) : layer.Call(inputs.Select(i => i.Symbolic).ToArray());
        assign?.Invoke(layer);
        var probes = inputs.Select(i => i.ChannelsLast ? i.Source.Probe!.permute(0, 2, 3, 1) : i.Source.Probe!).ToArray();
        var y = layer.TakesMultipleInputs ? layer.Call(probes) : layer.Call(probes[0]);
        var probe = outputChannelsLast ? y.permute(0, 3, 1, 2).contiguous() : y;
        return new Value { Symbolic = symbolic, ChannelsLast = outputChannelsLast, Probe = probe, Batched = true, Producer = layer };
    }
}
