using Deepen.Layers;
using Deepen.Onnx.Ops;
using Onnx;
using static TorchSharp.torch;
using Value = Deepen.Onnx.OnnxImporter.Value;

namespace Deepen.Onnx;

/// <summary>
/// The ONNX nodes that become Deepen layers on import, and the conditions under which they do (otherwise the node
/// runs as an <see cref="OnnxOp"/>). Weights come from the node's initializers, in Deepen's layouts.
/// </summary>
internal static class OnnxLayerMapping
{
    static readonly HashSet<string> LayoutPreserving = new()
    {
        "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Erf", "Tanh", "Sigmoid",
        "Relu", "LeakyRelu", "Elu", "Softplus", "Gelu", "Max", "Min", "Sum", "Clip", "Identity", "Dropout", "Cast",
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Conv", "BatchNormalization", "Where", "Equal", "Less", "Greater", "Not",
    };

    /// <summary>Ops whose output has the layout of their first input (elementwise ops, pooling, convolution).</summary>
    public static bool PreservesLayout(string opType) => LayoutPreserving.Contains(opType);

    static bool IsGraph(Value? v) => v is not null && v.Constant is null;
    static bool IsFloatConst(Value? v, int rank) => v?.Constant is { } c && c.is_floating_point() && c.dim() == rank;

    public static Value? TryMap(OnnxImporter im, NodeProto node, Value?[] x, OnnxAttributes a, string name)
    {
        if (node.Output.Count(o => o.Length > 0) != 1 && node.OpType != "Dropout" && node.OpType != "BatchNormalization") return null;
        return node.OpType switch
        {
            "Conv" => Conv(im, x, a, name),
            "BatchNormalization" => BatchNorm(im, x, a, name),
            "Relu" or "Sigmoid" or "Tanh" when IsGraph(x[0]) => Activation(im, x[0]!, node.OpType.ToLowerInvariant(), name),
            "Softmax" when IsGraph(x[0]) && SoftmaxOverLast(x[0]!, a, im.Opset) => Activation(im, x[0]!, "softmax", name, onnxLayout: true),
            "MaxPool" or "AveragePool" => Pool(im, node.OpType == "MaxPool", x, a, name),
            "GlobalAveragePool" when IsGraph(x[0]) && x[0]!.Probe!.dim() == 4 =>
                im.Apply(new GlobalAveragePooling2D(keepDims: true, name: im.NewName(name)), [(im.ChannelsLastOf(x[0]!), x[0]!, true)], true),
            "Add" or "Sub" or "Mul" or "Max" or "Min" => Merge(im, node.OpType, x, name),
            "Concat" => Concat(im, x, a, name),
            "Gemm" => Gemm(im, x, a, name),
            "MatMul" => MatMul(im, x, name),
            "Transpose" when IsGraph(x[0]) => Relayout(x[0]!, a.Ints("perm")),
            "Flatten" when IsGraph(x[0]) && a.Int("axis", 1) == 1 && x[0]!.Batched =>
                im.Apply(new Flatten(name: im.NewName(name)), [(im.OnnxLayoutOf(x[0]!), x[0]!, false)], false),
            _ => null,
        };
    }

    /// <summary>
    /// A transpose between channels-first and channels-last is no layer at all: the value is the same model tensor,
    /// now read in the other layout (how Deepen's own exported files, which wrap convolutions in transposes, come back).
    /// </summary>
    static Value? Relayout(Value x, long[]? perm)
    {
        if (perm is null || x.Probe!.dim() != 4 || !x.Batched) return null;
        if (!x.ChannelsLast && perm.SequenceEqual(new long[] { 0, 3, 1, 2 }))
            return new Value { Symbolic = x.Symbolic, ChannelsLast = true, Probe = x.Probe.permute(0, 3, 1, 2), Batched = true, Producer = x.Producer };
        if (x.ChannelsLast && perm.SequenceEqual(new long[] { 0, 2, 3, 1 }))
            return new Value { Symbolic = x.Symbolic, ChannelsLast = false, Probe = x.Probe.permute(0, 2, 3, 1), Batched = true, Producer = x.Producer };
        return null;
    }

    static Value Activation(OnnxImporter im, Value x, string fn, string name, bool onnxLayout = false)
    {
        bool cl = x.ChannelsLast && !onnxLayout;
        var input = cl ? x.Symbolic! : im.OnnxLayoutOf(x);
        return im.Apply(new Layers.Activation(fn, name: im.NewName(name)), [(input, x, cl)], cl);
    }

    static bool SoftmaxOverLast(Value x, OnnxAttributes a, int opset)
    {
        long rank = x.Probe!.dim();
        long axis = a.Int("axis", opset >= 13 ? -1 : 1);
        if (axis < 0) axis += rank;
        return axis == rank - 1 && x.Batched;
    }

    static Value? Conv(OnnxImporter im, Value?[] x, OnnxAttributes a, string name)
    {
        if (!IsGraph(x[0]) || x[0]!.Probe!.dim() != 4 || !x[0]!.Batched || !IsFloatConst(x[1], 4)) return null;
        var bias = x.Length > 2 ? x[2] : null;
        if (bias is not null && !IsFloatConst(bias, 1)) return null;
        if (a.Int("group", 1) != 1) return null;
        var w = x[1]!.Constant!;
        var kernel = w.shape.Skip(2).ToArray();
        var strides = a.Ints("strides") ?? new long[] { 1, 1 };
        var dilations = a.Ints("dilations") ?? new long[] { 1, 1 };
        var pads = OnnxKernels.Pads(a, x[0]!.Probe!.shape.Skip(2).ToArray(), kernel, strides, dilations);
        var input = im.ChannelsLastOf(x[0]!);
        var source = x[0]!;
        if (pads.Any(p => p != 0))
        {
            var padded = im.Apply(new ZeroPadding2D(((int)pads[0], (int)pads[2]), ((int)pads[1], (int)pads[3]), name: im.NewName(name + "_pad")),
                [(input, source, true)], true);
            input = padded.Symbolic!;
            source = padded;
        }
        var conv = new Conv2D((int)w.shape[0], new Size2((int)kernel[0], (int)kernel[1]), new Size2((int)strides[0], (int)strides[1]),
            "valid", useBias: bias is not null, dilationRate: new Size2((int)dilations[0], (int)dilations[1]), name: im.NewName(name));
        var result = im.Apply(conv, [(input, source, true)], true, l =>
        {
            var c = (Conv2D)l;
            c.Kernel.Assign(w);
            if (bias is not null) c.Bias!.Assign(bias.Constant!);
        });
        if (!ReferenceEquals(source, x[0])) source.Probe?.Dispose();
        return result;
    }

    static Value? BatchNorm(OnnxImporter im, Value?[] x, OnnxAttributes a, string name)
    {
        if (!IsGraph(x[0]) || !x[0]!.Batched || x.Length < 5 || !x.Skip(1).Take(4).All(v => IsFloatConst(v, 1))) return null;
        int rank = (int)x[0]!.Probe!.dim();
        if (rank != 4 && rank != 2) return null;
        if (a.Int("training_mode", 0) != 0) return null;
        double momentum = a.Float("momentum", 0.9), epsilon = a.Float("epsilon", 1e-5);
        if (momentum is < 0 or > 1 || epsilon <= 0) return null;
        bool cl = rank == 4;
        var bn = new BatchNormalization(momentum: momentum, epsilon: epsilon, name: im.NewName(name));
        return im.Apply(bn, [(cl ? im.ChannelsLastOf(x[0]!) : x[0]!.Symbolic!, x[0]!, cl)], cl, l =>
        {
            foreach (var (weight, i) in new[] { ("gamma", 1), ("beta", 2), ("moving_mean", 3), ("moving_variance", 4) })
                l.Weights.First(w => w.Name == weight).Assign(x[i]!.Constant!);
        });
    }

    static Value? Pool(OnnxImporter im, bool max, Value?[] x, OnnxAttributes a, string name)
    {
        if (!IsGraph(x[0]) || x[0]!.Probe!.dim() != 4 || !x[0]!.Batched) return null;
        var kernel = a.Ints("kernel_shape");
        if (kernel is null || kernel.Length != 2 || a.Int("ceil_mode", 0) != 0 || a.Int("storage_order", 0) != 0) return null;
        if ((a.Ints("dilations") ?? new long[] { 1, 1 }).Any(d => d != 1)) return null;
        var strides = a.Ints("strides") ?? new long[] { 1, 1 };
        var pads = OnnxKernels.Pads(a, x[0]!.Probe!.shape.Skip(2).ToArray(), kernel, strides, new long[] { 1, 1 });
        var input = im.ChannelsLastOf(x[0]!);
        var source = x[0]!;
        if (pads.Any(p => p != 0))
        {
            // Zero padding equals ONNX's max-pool padding only when the input is never negative (it follows a ReLU).
            if (!max || x[0]!.Producer is not Layers.Activation { Function: "relu" }) return null;
            var padded = im.Apply(new ZeroPadding2D(((int)pads[0], (int)pads[2]), ((int)pads[1], (int)pads[3]), name: im.NewName(name + "_pad")),
                [(input, source, true)], true);
            input = padded.Symbolic!;
            source = padded;
        }
        var size = new Size2((int)kernel[0], (int)kernel[1]);
        var stride = new Size2((int)strides[0], (int)strides[1]);
        Layer pool = max ? new MaxPooling2D(size, stride, "valid", name: im.NewName(name)) : new AveragePooling2D(size, stride, "valid", name: im.NewName(name));
        var result = im.Apply(pool, [(input, source, true)], true);
        if (!ReferenceEquals(source, x[0])) source.Probe?.Dispose();
        return result;
    }

    static Value? Merge(OnnxImporter im, string op, Value?[] x, string name)
    {
        if (x.Length != 2 || !IsGraph(x[0]) || !IsGraph(x[1]) || !x[0]!.Batched || !x[1]!.Batched) return null;
        if (x[0]!.ChannelsLast != x[1]!.ChannelsLast || !x[0]!.Probe!.shape.SequenceEqual(x[1]!.Probe!.shape)) return null;
        if (!x[0]!.Probe!.is_floating_point()) return null;
        string n = im.NewName(name);
        Layer layer = op switch
        {
            "Add" => new Add(name: n),
            "Sub" => new Subtract(name: n),
            "Mul" => new Multiply(name: n),
            "Max" => new Maximum(name: n),
            _ => new Minimum(name: n),
        };
        bool cl = x[0]!.ChannelsLast;
        return im.Apply(layer, [(x[0]!.Symbolic!, x[0]!, cl), (x[1]!.Symbolic!, x[1]!, cl)], cl);
    }

    static Value? Concat(OnnxImporter im, Value?[] x, OnnxAttributes a, string name)
    {
        if (x.Length < 2 || !x.All(v => IsGraph(v) && v!.Batched)) return null;
        bool cl = x[0]!.ChannelsLast;
        if (x.Any(v => v!.ChannelsLast != cl) || !x[0]!.Probe!.is_floating_point()) return null;
        long rank = x[0]!.Probe!.dim();
        long axis = a.Int("axis", 0);
        if (axis < 0) axis += rank;
        if (axis <= 0) return null;
        int deepenAxis = cl ? (axis == 1 ? -1 : (int)axis - 1) : (int)axis;
        return im.Apply(new Concatenate(deepenAxis, name: im.NewName(name)), x.Select(v => (v!.Symbolic!, v!, cl)).ToArray(), cl);
    }

    static Value? Gemm(OnnxImporter im, Value?[] x, OnnxAttributes a, string name)
    {
        if (!IsGraph(x[0]) || !x[0]!.Batched || x[0]!.Probe!.dim() != 2 || !IsFloatConst(x[1], 2)) return null;
        var c = x.Length > 2 ? x[2] : null;
        if (a.Int("transA", 0) != 0 || a.Float("alpha", 1) != 1 || a.Float("beta", 1) != 1) return null;
        var b = x[1]!.Constant!;
        var kernel = a.Int("transB", 0) != 0 ? b : b.t();                 // Deepen's Dense kernel is [units, in]
        if (c is not null && !(IsFloatConst(c, 1) && c.Constant!.shape[0] == kernel.shape[0])) return null;
        var dense = new Dense((int)kernel.shape[0], useBias: c is not null, name: im.NewName(name));
        return im.Apply(dense, [(im.OnnxLayoutOf(x[0]!), x[0]!, false)], false, l =>
        {
            var d = (Dense)l;
            d.Kernel.Assign(kernel.contiguous());
            if (c is not null) d.Bias!.Assign(c.Constant!);
        });
    }

    static Value? MatMul(OnnxImporter im, Value?[] x, string name)
    {
        if (!IsGraph(x[0]) || !x[0]!.Batched || x[0]!.Probe!.dim() < 2 || !IsFloatConst(x[1], 2)) return null;
        var b = x[1]!.Constant!;
        var dense = new Dense((int)b.shape[1], useBias: false, name: im.NewName(name));
        return im.Apply(dense, [(im.OnnxLayoutOf(x[0]!), x[0]!, false)], false, l => ((Dense)l).Kernel.Assign(b.t().contiguous()));
    }
}
