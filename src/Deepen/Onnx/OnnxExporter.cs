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
internal sealed class OnnxExporter
{
    public const int DefaultOpset = 17;

    readonly OnnxGraphWriter _w;

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
        var names = new Dictionary<KerasTensor, string>();
        if (model.IsFunctional)
        {
            var graph = model.Graph;
            foreach (var t in graph.Inputs)
            {
                string name = _w.Unique(t.Layer.Name);
                g.Input.Add(ValueInfo(name, OnnxTypes.Float, t.Shape));
                names[t] = name;
            }
            foreach (var node in graph.Nodes.Where(n => n.Inputs.Count > 0))
                names[node.Output] = Emit(node.Layer, node.Inputs.Select(i => names[i]).ToArray(), node.Inputs.Select(i => i.Shape).ToArray());
            foreach (var t in graph.Outputs) AddOutput(g, names[t], t.Layer.Name, t.Shape);
        }
        else
        {
            var shape = model.InputShape!;
            string x = _w.Unique("input");
            g.Input.Add(ValueInfo(x, OnnxTypes.Float, shape));
            foreach (var layer in model.Layers)
            {
                if (layer is Input) continue;
                x = Emit(layer, new[] { x }, new[] { shape });
                shape = layer.OutputShape!;
            }
            AddOutput(g, x, "output", model.OutputShape!);
        }
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Deepen",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = g,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _w.Opset });
        return proto;
    }

    void AddOutput(GraphProto g, string value, string hint, Shape shape)
    {
        // An output must be a node's output and not also an input: give it its own Identity.
        string name = _w.Node("Identity", hint + "_output", new[] { value });
        g.Output.Add(ValueInfo(name, OnnxTypes.Float, shape));
    }

    string Emit(Layer layer, string[] x, Shape[] shapes)
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
                    Ints("pads", new[] { top, left, bottom, right }));
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
                    Ints("dilations", new long[] { c.DilationRate }), Ints("pads", new[] { begin, end }));
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
            case GlobalAveragePooling1D p: return Reduce("ReduceMean", x[0], n, new long[] { 1 }, p.KeepDims);
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
            case Embedding e:
            {
                if (e.MaskZero) throw Unsupported(layer, "mask_zero=true (masks are not exported yet; the layers after it would see the padding)");
                string ids = _w.Node("Cast", n + "_ids", new[] { x[0] }, Int("to", OnnxTypes.Int64));
                return _w.Node("Gather", n, new[] { Weight(n + "/embeddings", e.Embeddings.Value), ids });
            }
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
            case RecurrentLayer r: return Recurrent(r, x[0], n);
            case OnnxOp op: return EmitOp(op, x, n);
            case TextVectorization:
                throw Unsupported(layer, "text vectorization (strings) is not an ONNX op; export the model that takes its token ids and ship the vocabulary beside it");
            default:
                throw Unsupported(layer, "no ONNX form is implemented for this layer yet");
        }
    }

    /// <summary>
    /// SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU ops (time-major, one direction). Gate blocks are reordered
    /// from Keras's order to ONNX's: LSTM i, f, c, o → i, o, f, c; GRU z, r, h is already ONNX's order, and Keras 3's
    /// reset_after is ONNX's linear_before_reset = 1.
    /// </summary>
    string Recurrent(RecurrentLayer r, string x, string n)
    {
        if (r.GoBackwards || r.ReturnState) throw Unsupported(r, "go_backwards and return_state are not exported yet");
        long u = r.Units;
        Tensor Blocks(Tensor t, int[] order) => cat(order.Select(i => t.narrow(0, i * u, u)).ToArray(), 0);
        var (op, order, activations) = r switch
        {
            LSTM l => ("LSTM", new[] { 0, 3, 1, 2 }, new[] { l.RecurrentActivation, l.Activation, l.Activation }),
            GRU g => ("GRU", new[] { 0, 1, 2 }, new[] { g.RecurrentActivation, g.Activation }),
            _ => ("RNN", new[] { 0 }, new[] { r.Activation }),
        };
        var w = Blocks(r.Kernel.Value, order).unsqueeze(0);
        var rk = Blocks(r.RecurrentKernel.Value, order).unsqueeze(0);
        var gates = order.Length;
        Tensor inputBias = zeros(gates * u), recurrentBias = zeros(gates * u);
        if (r.Bias is not null)
        {
            if (r.Bias.Value.dim() == 2) { inputBias = Blocks(r.Bias.Value[0], order); recurrentBias = Blocks(r.Bias.Value[1], order); }
            else inputBias = Blocks(r.Bias.Value, order);
        }
        var attributes = new List<AttributeProto> { Int("hidden_size", u) };
        var names = activations.Select(a => a switch
        {
            "sigmoid" => "Sigmoid", "tanh" => "Tanh", "relu" => "Relu",
            _ => throw Unsupported(r, $"activation \"{a}\" has no ONNX recurrent form"),
        }).ToArray();
        var strings = new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings };
        strings.Strings.AddRange(names.Select(ByteString.CopyFromUtf8));
        attributes.Add(strings);
        if (r is GRU { ResetAfter: true }) attributes.Add(Int("linear_before_reset", 1));
        string sequence = Transpose(x, n, 1, 0, 2);                                  // [T, N, F]
        var outputs = _w.NodeWithOutputs(op, n, new[] { sequence, Weight(n + "/W", w), Weight(n + "/R", rk), Weight(n + "/B", cat(new[] { inputBias, recurrentBias }).unsqueeze(0)) },
            2, attributes.ToArray());
        if (r.ReturnSequences)                                                         // Y: [T, 1, N, U] → [N, T, U]
            return Transpose(_w.Node("Squeeze", n + "_y", new[] { outputs[0], _w.Longs(n + "/axis1", 1) }), n, 1, 0, 2);
        return _w.Node("Squeeze", n + "_h", new[] { outputs[1], _w.Longs(n + "/axis0", 0) });   // Y_h: [1, N, U] → [N, U]
    }

    static NotSupportedException Unsupported(Layer layer, string why) =>
        new($"Layer \"{layer.Name}\" ({layer.ClassName}) cannot be exported to ONNX: {why}. Layers that export: Dense, Conv1D, Conv2D, " +
            "MaxPooling1D/2D, AveragePooling1D/2D, GlobalAveragePooling1D/2D, GlobalMaxPooling1D, Flatten, Dropout, Random* preprocessing, " +
            "Activation, Rescaling, BatchNormalization, LayerNormalization, Embedding, ZeroPadding2D, Add, Subtract, Multiply, Average, " +
            "Maximum, Minimum, Concatenate, SimpleRNN, LSTM, GRU and imported ONNX ops.");

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
