using Deepen.Layers;
using Deepen.Models;
using Deepen.Onnx.Ops;
using Google.Protobuf;
using Onnx;
using static Deepen.Onnx.OnnxGraphWriter;
using static TorchSharp.torch;

namespace Deepen.Onnx;

/// <summary>
/// Writes a built Deepen model as ONNX. Tensors stay in Keras's layout (NHWC images) throughout the graph;
/// convolutions and poolings are wrapped in Transpose nodes to ONNX's channels-first layout and back (runtimes fold
/// the pairs). Each layer is read through its public properties and weights.
/// </summary>
internal sealed partial class OnnxExporter
{
    public const int DefaultOpset = 17;

    readonly OnnxGraphWriter _w;
    (TextVectorization Layer, string Input)? _text;

    OnnxExporter(int opset) => _w = new OnnxGraphWriter(opset);

    public static void Export(Model model, string path, int opset)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (opset is < 13 or > 21) throw Utils.Check.Invalid(nameof(opset), opset, "an ONNX opset from 13 to 21");
        if (!model.Built) throw new InvalidOperationException($"Model \"{model.Name}\" is not built yet: give it an input shape or call Build before exporting.");
        var proto = new OnnxExporter(opset).Write(model);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        File.WriteAllBytes(temp, proto.ToByteArray());
        File.Move(temp, full, overwrite: true);
    }

    ModelProto Write(Model model)
    {
        using var _ = no_grad();
        var g = _w.Graph;
        g.Name = model.Name;
        if (model.IsFunctional)
        {
            var graph = model.Graph;
            var values = new Dictionary<KerasTensor, Value>();
            foreach (var t in graph.Inputs)
            {
                string name = _w.Unique(t.Layer.Name);
                // An input that a TextVectorization reads carries what it produced: int64 ids ("int" mode) or vectors.
                var text = graph.Nodes.FirstOrDefault(n => n.Layer is TextVectorization && n.Inputs.Contains(t))?.Layer as TextVectorization;
                var readers = graph.Nodes.Where(n => n.Inputs.Contains(t)).ToList();
                bool ids = text is { OutputMode: "int" } || (readers.Count > 0 && readers.All(n => ReadsIds(n, t)));
                g.Input.Add(ValueInfo(name, ids ? OnnxTypes.Int64 : OnnxTypes.Float, t.Shape));
                values[t] = new Value(name, null);
            }
            foreach (var node in graph.Nodes.Where(n => n.Inputs.Count > 0))
            {
                if (node.Layer is TextVectorization && node.Inputs[0].Layer is not Input)
                    throw Unsupported(node.Layer, "it must read a model input directly (the exported graph starts after vectorization)");
                var inputs = node.Inputs.Select(i => values[i]).ToArray();
                values[node.Output] = Emit(node.Layer, inputs, node.Inputs.Select(i => i.Shape).ToArray(), node.ListCall);
            }
            foreach (var t in graph.Outputs) AddOutput(g, values[t].Name, t.Layer.Name, t.Shape);
        }
        else
        {
            var shape = model.InputShape!;
            var layers = model.Layers.Where(l => l is not Input).ToList();
            int type = layers.FirstOrDefault() is TextVectorization { OutputMode: "int" } ? OnnxTypes.Int64 : OnnxTypes.Float;
            string input = _w.Unique("input");
            g.Input.Add(ValueInfo(input, type, shape));
            var x = new Value(input, null);
            for (int i = 0; i < layers.Count; i++)
            {
                if (layers[i] is TextVectorization && i > 0)
                    throw Unsupported(layers[i], "it must be the model's first layer (the exported graph starts after vectorization)");
                x = Emit(layers[i], new[] { x }, new[] { shape }, listCall: false);
                shape = layers[i].OutputShape!;
            }
            AddOutput(g, x.Name, "output", model.OutputShape!);
        }
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Deepen",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = g,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _w.Opset });
        if (_text is not null) AddTextMetadata(proto, _text.Value.Layer, _text.Value.Input);
        return proto;
    }

    /// <summary>
    /// Whether a node of an imported graph reads <paramref name="t"/> as integer ids (a Cast to an integer type, or
    /// Gather's indices): Deepen inputs carry no dtype, so an imported id-level model (token ids, int64 in its file)
    /// is exported with int64 inputs again.
    /// </summary>
    static bool ReadsIds(Node node, KerasTensor t)
    {
        if (node.Layer is not OnnxOp op) return false;
        if (op.OpType == "Cast") return op.Attributes.Int("to", OnnxTypes.Float) is OnnxTypes.Int64 or OnnxTypes.Int32;
        if (op.OpType != "Gather") return false;
        int graphInput = node.Inputs.ToList().IndexOf(t), k = -1;
        for (int slot = 0; slot < op.Slots.Count; slot++)
            if (op.Slots[slot].Kind == OnnxInputKind.Input && ++k == graphInput) return slot == 1;
        return false;
    }

    /// <summary>A value of the graph: its ONNX name and the name of its Keras mask (bool [batch, time]), if any.</summary>
    readonly record struct Value(string Name, string? Mask);

    void AddOutput(GraphProto g, string value, string hint, Shape shape)
    {
        // An output must be a node's output and not also an input: give it its own Identity.
        string name = _w.Node("Identity", hint + "_output", new[] { value });
        g.Output.Add(ValueInfo(name, OnnxTypes.Float, shape));
    }

    /// <summary>Writes one layer call and returns its output with the output's mask (Keras's <c>compute_mask</c>).</summary>
    Value Emit(Layer layer, Value[] inputs, Shape[] shapes, bool listCall)
    {
        var x = inputs.Select(v => v.Name).ToArray();
        var masks = inputs.Select(v => v.Mask).ToArray();
        string y = Emit(layer, x, shapes, masks, listCall);
        return new Value(y, OutputMask(layer, x, shapes, masks, listCall));
    }

    /// <summary>The mask of a layer's output, as the layer's ComputeMask gives it.</summary>
    string? OutputMask(Layer layer, string[] x, Shape[] shapes, string?[] masks, bool listCall)
    {
        string n = layer.Name;
        switch (layer)
        {
            case Embedding { MaskZero: true }:
            case TokenAndPositionEmbedding { MaskZero: true }:
                return _w.Node("Not", n + "_mask", new[] { _w.Node("Equal", n + "_mask", new[] { Ids(x[0], n), _w.Longs(n + "/zero", 0L) }) });
            case RecurrentLayer r: return r.ReturnSequences ? masks[0] : null;
            case Bidirectional b: return b.Forward.ReturnSequences ? masks[0] : null;
            case Concatenate c when masks.Any(m => m is not null) && shapes[0].Rank >= 2 && (c.Axis == 1 || c.Axis == -shapes[0].Rank):
                throw Unsupported(layer, "concatenating masked sequences along time is not exported");
            case Merge when listCall:
                return masks.Where(m => m is not null).Aggregate((string?)null, (acc, m) => acc is null ? m : _w.Node("And", n + "_mask", new[] { acc, m! }));
            case MultiHeadAttention when listCall: return masks[0];
            default: return layer.SupportsMasking ? masks[0] : null;
        }
    }

    string Ids(string x, string n) => _w.Node("Cast", n + "_ids", new[] { x }, Int("to", OnnxTypes.Int64));

    string Emit(Layer layer, string[] x, Shape[] shapes, string?[] masks, bool listCall)
    {
        string n = layer.Name;
        switch (layer)
        {
            case Input: return x[0];
            case Dense d:
            {
                string y = _w.Node("MatMul", n, new[] { x[0], Weight(n + "/kernel", d.Kernel.Value.t()) });
                if (d.Bias is not null) y = _w.Node("Add", n, new[] { y, Weight(n + "/bias", d.Bias.Value) });
                return Activation(y, d.Activation, n);
            }
            case Conv2D c:
            {
                var s = shapes[0];
                var (top, bottom) = c.Padding == "same" ? Padding.Same(s[0], (c.KernelSize.Rows - 1) * c.DilationRate.Rows + 1, c.Strides.Rows) : (0, 0);
                var (left, right) = c.Padding == "same" ? Padding.Same(s[1], (c.KernelSize.Cols - 1) * c.DilationRate.Cols + 1, c.Strides.Cols) : (0, 0);
                var inputs = new List<string> { ToNchw(x[0], n), Weight(n + "/kernel", c.Kernel.Value) };
                if (c.Bias is not null) inputs.Add(Weight(n + "/bias", c.Bias.Value));
                string y = _w.Node("Conv", n, inputs, Ints("kernel_shape", new long[] { c.KernelSize.Rows, c.KernelSize.Cols }),
                    Ints("strides", new long[] { c.Strides.Rows, c.Strides.Cols }), Ints("dilations", new long[] { c.DilationRate.Rows, c.DilationRate.Cols }),
                    Ints("pads", new[] { top, left, bottom, right }), Int("group", c.Groups));
                return Activation(ToNhwc(y, n), c.Activation, n);
            }
            case Conv1D c:
            {
                long effective = (c.KernelSize - 1L) * c.DilationRate + 1;
                var (begin, end) = c.Padding switch
                {
                    "same" => Padding.Same(shapes[0][0], (int)effective, c.Strides),
                    "causal" => (effective - 1, 0L),
                    _ => (0L, 0L),
                };
                var inputs = new List<string> { Transpose(x[0], n, 0, 2, 1), Weight(n + "/kernel", c.Kernel.Value) };
                if (c.Bias is not null) inputs.Add(Weight(n + "/bias", c.Bias.Value));
                string y = _w.Node("Conv", n, inputs, Ints("kernel_shape", new long[] { c.KernelSize }), Ints("strides", new long[] { c.Strides }),
                    Ints("dilations", new long[] { c.DilationRate }), Ints("pads", new[] { begin, end }), Int("group", c.Groups));
                return Activation(Transpose(y, n, 0, 2, 1), c.Activation, n);
            }
            case Pooling2D p:
            {
                var s = shapes[0];
                var (top, bottom) = p.Padding == "same" ? Padding.Same(s[0], p.PoolSize.Rows, p.Strides.Rows) : (0, 0);
                var (left, right) = p.Padding == "same" ? Padding.Same(s[1], p.PoolSize.Cols, p.Strides.Cols) : (0, 0);
                string y = _w.Node(p is MaxPooling2D ? "MaxPool" : "AveragePool", n, new[] { ToNchw(x[0], n) },
                    Ints("kernel_shape", new long[] { p.PoolSize.Rows, p.PoolSize.Cols }), Ints("strides", new long[] { p.Strides.Rows, p.Strides.Cols }),
                    Ints("pads", new[] { top, left, bottom, right }));
                return ToNhwc(y, n);
            }
            case Pooling1D p:
            {
                var (begin, end) = p.Padding == "same" ? Padding.Same(shapes[0][0], p.PoolSize, p.Strides) : (0, 0);
                string y = _w.Node(p is MaxPooling1D ? "MaxPool" : "AveragePool", n, new[] { Transpose(x[0], n, 0, 2, 1) },
                    Ints("kernel_shape", new long[] { p.PoolSize }), Ints("strides", new long[] { p.Strides }), Ints("pads", new[] { begin, end }));
                return Transpose(y, n, 0, 2, 1);
            }
            case GlobalAveragePooling2D p: return Reduce("ReduceMean", x[0], n, new long[] { 1, 2 }, p.KeepDims);
            case GlobalAveragePooling1D p when masks[0] is { } mask: return MaskedMean(x[0], mask, n, p.KeepDims);
            case GlobalAveragePooling1D p: return Reduce("ReduceMean", x[0], n, new long[] { 1 }, p.KeepDims);
            case GlobalMaxPooling2D p: return Reduce("ReduceMax", x[0], n, new long[] { 1, 2 }, p.KeepDims);
            case UpSampling2D u:
            {
                // Nearest: each pixel repeated (asymmetric + floor); bilinear: torch's align_corners=False is half_pixel.
                var attributes = u.Interpolation == "nearest"
                    ? new[] { OnnxGraphWriter.String("mode", "nearest"), OnnxGraphWriter.String("coordinate_transformation_mode", "asymmetric"), OnnxGraphWriter.String("nearest_mode", "floor") }
                    : new[] { OnnxGraphWriter.String("mode", "linear"), OnnxGraphWriter.String("coordinate_transformation_mode", "half_pixel") };
                string scales = Weight(n + "/scales", tensor(new float[] { 1, 1, u.Size.Rows, u.Size.Cols }));
                return ToNhwc(_w.Node("Resize", n, new[] { ToNchw(x[0], n), "", scales }, attributes), n);
            }
            case GlobalMaxPooling1D p: return Reduce("ReduceMax", x[0], n, new long[] { 1 }, p.KeepDims);
            case Flatten: return _w.Node("Flatten", n, new[] { x[0] }, Int("axis", 1));
            case Dropout or RandomImageLayer: return x[0];
            case Layers.Activation a: return Activation(x[0], a.Function, n);
            case Rescaling r:
            {
                string y = _w.Node("Mul", n, new[] { x[0], _w.Scalar(n + "/scale", (float)r.Scale) });
                return r.Offset == 0 ? y : _w.Node("Add", n, new[] { y, _w.Scalar(n + "/offset", (float)r.Offset) });
            }
            case BatchNormalization b:
            {
                // Inference: y = x·γ/√(σ²+ε) + (β − μ·γ/√(σ²+ε)) over the last axis (Keras's batch_normalization).
                Tensor W(string name) => b.Weights.First(w => w.Name == name).Value;
                var variance = W("moving_variance").to_type(ScalarType.Float64);
                var scale = (variance + b.Epsilon).rsqrt();
                if (b.Scale) scale = scale * W("gamma").to_type(ScalarType.Float64);
                var shift = -W("moving_mean").to_type(ScalarType.Float64) * scale;
                if (b.Center) shift = shift + W("beta").to_type(ScalarType.Float64);
                string y = _w.Node("Mul", n, new[] { x[0], Weight(n + "/scale", scale) });
                return _w.Node("Add", n, new[] { y, Weight(n + "/shift", shift) });
            }
            case LayerNormalization l:
            {
                if (l.Axis != -1 && l.Axis != shapes[0].Rank) throw Unsupported(layer, $"axis {l.Axis} (only the last axis exports)");
                if (_w.Opset < 17) throw Unsupported(layer, $"opset {_w.Opset} (LayerNormalization needs opset 17 or later)");
                long features = shapes[0][-1];
                string gamma = l.Gamma is not null ? Weight(n + "/gamma", l.Gamma.Value) : Weight(n + "/gamma", ones(features));
                string beta = l.Beta is not null ? Weight(n + "/beta", l.Beta.Value) : Weight(n + "/beta", zeros(features));
                return _w.Node("LayerNormalization", n, new[] { x[0], gamma, beta }, Int("axis", -1), Float("epsilon", l.Epsilon));
            }
            case Embedding e: return _w.Node("Gather", n, new[] { Weight(n + "/embeddings", e.Embeddings.Value), Ids(x[0], n) });
            case TokenAndPositionEmbedding e: return TokenAndPosition(e, x[0], shapes[0], n);
            case PositionEmbedding p:
                return _w.Node("Expand", n, new[] { Weight(n + "/embeddings", p.Embeddings.Value.narrow(0, 0, shapes[0][0])), _w.Node("Shape", n + "_shape", new[] { x[0] }) });
            case MultiHeadAttention m when listCall:
            {
                string value = x.Length > 1 ? x[1] : x[0];
                string? valueMask = x.Length > 1 ? masks[1] : masks[0];
                return Attention(m, x[0], value, x.Length > 2 ? x[2] : value, masks[0], valueMask, n);
            }
            case MultiHeadAttention m: return Attention(m, x[0], x[0], x[0], masks[0], masks[0], n);
            case TransformerEncoder t: return Encoder(t, x[0], shapes[0], masks[0], n);
            case TimeDistributed t: return TimeDistributed(t, x[0], shapes[0]);
            case ZeroPadding2D z:
                return _w.Node("Pad", n, new[] { x[0], _w.Longs(n + "/pads", 0, z.Top, z.Left, 0, 0, z.Bottom, z.Right, 0) });
            case Add: return Chain("Add", x, n);
            case Subtract: return _w.Node("Sub", n, x);
            case Multiply: return Chain("Mul", x, n);
            case Maximum: return _w.Node("Max", n, x);
            case Minimum: return _w.Node("Min", n, x);
            case Average:
                return _w.Node("Mul", n, new[] { _w.Node("Sum", n + "_sum", x), _w.Scalar(n + "/inverse_count", 1f / x.Length) });
            case Concatenate c: return _w.Node("Concat", n, x, Int("axis", c.Axis));
            case RecurrentLayer r: return Recurrent(r, x[0], shapes[0], masks[0], n);
            case Bidirectional b: return Bidirectional(b, x[0], shapes[0], masks[0], n);
            case OnnxOp op: return EmitOp(op, x, n);
            case TextVectorization t:
                if (_text is not null) throw Unsupported(layer, $"the model already has a TextVectorization (\"{_text.Value.Layer.Name}\"); one per exported model");
                _text = (t, x[0]);
                return x[0];                 // the graph starts after vectorization: its input is what the layer produced
            case ITextInput:
                throw Unsupported(layer, "a tokenizer runs on strings, which ONNX graphs do not take; export the model that takes its token ids");
            default:
                throw Unsupported(layer, "no ONNX form is implemented for this layer yet");
        }
    }

    static NotSupportedException Unsupported(Layer layer, string why) =>
        new($"Layer \"{layer.Name}\" ({layer.ClassName}) cannot be exported to ONNX: {why}. Layers that export: Dense, Conv1D, Conv2D, " +
            "MaxPooling1D/2D, AveragePooling1D/2D, GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D, Flatten, Dropout, Random* preprocessing, " +
            "Activation, Rescaling, BatchNormalization, LayerNormalization, Embedding, ZeroPadding2D, UpSampling2D, Add, Subtract, Multiply, " +
            "Average, Maximum, Minimum, Concatenate, SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed, MultiHeadAttention, " +
            "TransformerEncoder, PositionEmbedding, TokenAndPositionEmbedding, TextVectorization (as the first layer: the graph starts " +
            "after it) and imported ONNX ops.");

    string Weight(string hint, Tensor value) => _w.Initializer(hint, value);

    string Chain(string op, string[] x, string n) => x.Skip(1).Aggregate(x[0], (acc, t) => _w.Node(op, n, new[] { acc, t }));

    string Transpose(string x, string n, params long[] perm) => _w.Node("Transpose", n + "_t", new[] { x }, Ints("perm", perm));
    string ToNchw(string x, string n) => Transpose(x, n, 0, 3, 1, 2);
    string ToNhwc(string x, string n) => Transpose(x, n, 0, 2, 3, 1);

    string Reduce(string op, string x, string n, long[] axes, bool keep) =>
        _w.Opset >= 18
            ? _w.Node(op, n, new[] { x, _w.Longs(n + "/axes", axes) }, Int("keepdims", keep ? 1 : 0))
            : _w.Node(op, n, new[] { x }, Ints("axes", axes), Int("keepdims", keep ? 1 : 0));

    string Activation(string x, string fn, string n) => fn switch
    {
        "linear" => x,
        "relu" => _w.Node("Relu", n, new[] { x }),
        "sigmoid" => _w.Node("Sigmoid", n, new[] { x }),
        "tanh" => _w.Node("Tanh", n, new[] { x }),
        "softmax" => _w.Node("Softmax", n, new[] { x }, Int("axis", -1)),
        "elu" => _w.Node("Elu", n, new[] { x }, Float("alpha", 1.0)),
        "selu" => _w.Node("Selu", n, new[] { x }),
        "softplus" => _w.Node("Softplus", n, new[] { x }),
        "leaky_relu" => _w.Node("LeakyRelu", n, new[] { x }, Float("alpha", 0.2)),
        "swish" or "silu" => _w.Node("Mul", n, new[] { x, _w.Node("Sigmoid", n, new[] { x }) }),
        // Exact GELU (Keras's default approximate=False): x · ½ · (1 + erf(x / √2)).
        "gelu" => _w.Node("Mul", n, new[] { _w.Node("Mul", n, new[] { x, _w.Scalar(n + "/half", 0.5f) }),
            _w.Node("Add", n, new[] { _w.Node("Erf", n, new[] { _w.Node("Div", n, new[] { x, _w.Scalar(n + "/sqrt2", MathF.Sqrt(2f)) }) }), _w.Scalar(n + "/one", 1f) }) }),
        _ => throw new NotSupportedException($"Activation \"{fn}\" (layer \"{n}\") has no ONNX export."),
    };

    static readonly HashSet<string> FloatAttributes = new() { "alpha", "beta", "epsilon", "momentum", "gamma", "min", "max", "value", "bias", "lambd", "ratio" };

    string EmitOp(OnnxOp op, string[] x, string n)
    {
        var inputs = new List<string>();
        int k = 0;
        for (int i = 0; i < op.Slots.Count; i++)
        {
            var slot = op.Slots[i];
            switch (slot.Kind)
            {
                case OnnxInputKind.None: inputs.Add(""); break;
                case OnnxInputKind.Input:
                    inputs.Add(op.ChannelsLastInputs[k] ? ToNchw(x[k], n) : x[k]);
                    k++;
                    break;
                case OnnxInputKind.Weight: inputs.Add(Weight(n + "/" + (slot.OnnxName ?? slot.WeightName), op.SlotWeight(i)!.Value)); break;
                case OnnxInputKind.Constant: inputs.Add(_w.Initializer(n + "/" + (slot.OnnxName ?? "constant"), slot.Constant!)); break;
            }
        }
        var attributes = new List<AttributeProto>();
        foreach (var (name, value) in op.Attributes.Json)
        {
            if (value is null) continue;
            // Attributes that became inputs in opset 13: Split's split, Unsqueeze/Squeeze's axes, ReduceSum's axes.
            if (op.Opset < 13 && _w.Opset >= 13 && name is "split" or "axes" && op.OpType is "Split" or "Unsqueeze" or "Squeeze" or "ReduceSum")
            {
                while (inputs.Count < 1) inputs.Add("");
                inputs.Add(_w.Longs(n + "/" + name, op.Attributes.Ints(name)!));
                continue;
            }
            attributes.Add(value switch
            {
                System.Text.Json.Nodes.JsonArray a when FloatAttributes.Contains(name) => Floats(name, op.Attributes.Floats(name)!),
                System.Text.Json.Nodes.JsonArray a when a.Count > 0 && a[0] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out _) =>
                    StringsAttribute(name, a.Select(s => s!.GetValue<string>())),
                System.Text.Json.Nodes.JsonArray => Ints(name, op.Attributes.Ints(name)!),
                System.Text.Json.Nodes.JsonObject o => TensorAttribute(name, OnnxTensorJson.Read(o), n),
                System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var s) => OnnxGraphWriter.String(name, s),
                _ when FloatAttributes.Contains(name) => Float(name, op.Attributes.Float(name, 0)),
                _ => Int(name, op.Attributes.Int(name, 0)),
            });
        }
        if (op.Opset < 13 && _w.Opset >= 13 && op.OpType == "Softmax" && !op.Attributes.Has("axis"))
            attributes.Add(Int("axis", 1));   // the old default axis; equal to the last axis for the 2-D inputs it is kept for
        int outputs = op.OpType == "Split" ? Math.Max(op.OutputIndex + 1, (op.Attributes.Ints("split")?.Length ?? 0)) : op.OutputIndex + 1;
        if (op.OpType == "Split" && op.Opset >= 13 && op.Slots.Count > 1 && op.Slots[1].Constant is { } sizes) outputs = Math.Max(outputs, (int)sizes.numel());
        var names = _w.NodeWithOutputs(op.OpType, n, inputs, outputs, attributes.ToArray());
        string y = names[op.OutputIndex];
        return op.ChannelsLastOutput ? ToNhwc(y, n) : y;
    }

    static AttributeProto StringsAttribute(string name, IEnumerable<string> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    AttributeProto TensorAttribute(string name, Tensor value, string n)
    {
        var scratch = new OnnxGraphWriter(_w.Opset);
        scratch.Initializer(n + "/" + name, value);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = scratch.Graph.Initializer[0] };
    }
}
