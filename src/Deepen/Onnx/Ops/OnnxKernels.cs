using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Onnx.Ops;

/// <summary>
/// The ONNX operators Deepen runs on LibTorch, with ONNX's semantics (https://onnx.ai/onnx/operators/): inputs in
/// ONNX order (null for an absent optional input), tensors in ONNX's layout. Every op is a composition of TorchSharp
/// ops, so autograd trains through it.
/// </summary>
internal static class OnnxKernels
{
    delegate Tensor[] Kernel(Tensor?[] x, OnnxAttributes a, int opset);

    static readonly Dictionary<string, Kernel> Table = new()
    {
        ["Identity"] = (x, a, o) => [x[0]!.alias()],
        ["Dropout"] = (x, a, o) => [x[0]!.alias()],
        ["Add"] = (x, a, o) => [x[0]! + x[1]!],
        ["Sub"] = (x, a, o) => [x[0]! - x[1]!],
        ["Mul"] = (x, a, o) => [x[0]! * x[1]!],
        ["Div"] = (x, a, o) => [x[0]!.is_floating_point() ? x[0]! / x[1]! : x[0]!.div(x[1]!, RoundingMode.trunc)],
        ["Pow"] = (x, a, o) => [x[0]!.pow(x[1]!.to_type(x[0]!.dtype))],
        ["Sqrt"] = (x, a, o) => [x[0]!.sqrt()],
        ["Exp"] = (x, a, o) => [x[0]!.exp()],
        ["Log"] = (x, a, o) => [x[0]!.log()],
        ["Neg"] = (x, a, o) => [x[0]!.neg()],
        ["Abs"] = (x, a, o) => [x[0]!.abs()],
        ["Reciprocal"] = (x, a, o) => [x[0]!.reciprocal()],
        ["Erf"] = (x, a, o) => [x[0]!.erf()],
        ["Tanh"] = (x, a, o) => [x[0]!.tanh()],
        ["Sigmoid"] = (x, a, o) => [x[0]!.sigmoid()],
        ["Relu"] = (x, a, o) => [nn.functional.relu(x[0]!)],
        ["LeakyRelu"] = (x, a, o) => [nn.functional.leaky_relu(x[0]!, a.Float("alpha", 0.01))],
        ["Elu"] = (x, a, o) => [nn.functional.elu(x[0]!, a.Float("alpha", 1.0), false)],
        ["Softplus"] = (x, a, o) => [nn.functional.softplus(x[0]!)],
        ["Gelu"] = (x, a, o) => [nn.functional.gelu(x[0]!)],
        ["Max"] = (x, a, o) => [x.Skip(1).Aggregate(x[0]!, (m, t) => m.maximum(t!))],
        ["Min"] = (x, a, o) => [x.Skip(1).Aggregate(x[0]!, (m, t) => m.minimum(t!))],
        ["Sum"] = (x, a, o) => [x.Skip(1).Aggregate(x[0]!, (m, t) => m + t!)],
        ["Equal"] = (x, a, o) => [x[0]!.eq(x[1]!)],
        ["Less"] = (x, a, o) => [x[0]!.lt(x[1]!)],
        ["Greater"] = (x, a, o) => [x[0]!.gt(x[1]!)],
        ["Not"] = (x, a, o) => [x[0]!.logical_not()],
        ["And"] = (x, a, o) => [x[0]!.logical_and(x[1]!)],
        ["Or"] = (x, a, o) => [x[0]!.logical_or(x[1]!)],
        ["Where"] = (x, a, o) => [where(x[0]!.to_type(ScalarType.Bool), x[1]!, x[2]!)],
        ["Clip"] = Clip,
        ["Cast"] = (x, a, o) => [x[0]!.to_type(Deepen.Onnx.OnnxTypes.ToScalarType((int)a.Int("to", 1)))],
        ["Softmax"] = (x, a, o) => [Softmax(x[0]!, a, o)],
        ["Shape"] = Shape,
        ["Size"] = (x, a, o) => [tensor(x[0]!.numel(), device: x[0]!.device)],
        ["Gather"] = Gather,
        ["Unsqueeze"] = Unsqueeze,
        ["Squeeze"] = Squeeze,
        ["Concat"] = (x, a, o) => [cat(x.Where(t => t is not null).Select(t => t!).ToArray(), a.Int("axis", 0))],
        ["Split"] = Split,
        ["Slice"] = Slice,
        ["Reshape"] = Reshape,
        ["Flatten"] = (x, a, o) => [FlattenAt(x[0]!, a.Int("axis", 1))],
        ["Transpose"] = (x, a, o) => [x[0]!.permute(a.Ints("perm") ?? Enumerable.Range(0, (int)x[0]!.dim()).Reverse().Select(i => (long)i).ToArray())],
        ["Expand"] = (x, a, o) => [Expand(x[0]!, x[1]!)],
        ["ConstantOfShape"] = ConstantOfShape,
        ["Range"] = (x, a, o) => [arange(x[0]!.item<long>(), x[1]!.item<long>(), x[2]!.item<long>(), device: x[0]!.device)],
        ["ReduceMean"] = (x, a, o) => [Reduce(x, a, o, 18, (t, axes, keep) => t.mean(axes, keep))],
        ["ReduceSum"] = (x, a, o) => [Reduce(x, a, o, 13, (t, axes, keep) => t.sum(axes, keep))],
        ["ReduceMax"] = (x, a, o) => [Reduce(x, a, o, 18, (t, axes, keep) => axes.Aggregate(t, (r, d) => r.amax(new[] { d }, keep)))],
        ["MatMul"] = (x, a, o) => [x[0]!.matmul(x[1]!)],
        ["Gemm"] = Gemm,
        ["Conv"] = Conv,
        ["BatchNormalization"] = (x, a, o) => [nn.functional.batch_norm(x[0]!, x[3]!, x[4]!, x[1]!, x[2]!, false, 0.0, a.Float("epsilon", 1e-5))],
        ["LayerNormalization"] = LayerNorm,
        ["MaxPool"] = (x, a, o) => [Pool(x[0]!, a, max: true)],
        ["AveragePool"] = (x, a, o) => [Pool(x[0]!, a, max: false)],
        ["GlobalAveragePool"] = (x, a, o) => [x[0]!.mean(Enumerable.Range(2, (int)x[0]!.dim() - 2).Select(i => (long)i).ToArray(), true)],
        ["GlobalMaxPool"] = (x, a, o) => [x[0]!.amax(Enumerable.Range(2, (int)x[0]!.dim() - 2).Select(i => (long)i).ToArray(), true)],
        ["Pad"] = Pad,
        ["TopK"] = TopK,
        ["GatherElements"] = (x, a, o) => [x[0]!.gather(Axis(a.Int("axis", 0), x[0]!.dim()), Indices(x[1]!, x[0]!.shape[Axis(a.Int("axis", 0), x[0]!.dim())]))],
        ["CumSum"] = CumSum,
        ["RNN"] = OnnxRecurrentKernels.Rnn,
        ["GRU"] = OnnxRecurrentKernels.Gru,
        ["LSTM"] = OnnxRecurrentKernels.Lstm,
    };

    /// <summary>The supported op types, sorted.</summary>
    public static IReadOnlyList<string> Ops { get; } = Table.Keys.Append("Constant").Order(StringComparer.Ordinal).ToArray();

    public static bool Supports(string opType) => opType == "Constant" || Table.ContainsKey(opType);

    /// <summary>Runs <paramref name="opType"/> and returns output <paramref name="output"/>.</summary>
    public static Tensor Run(string opType, Tensor?[] inputs, OnnxAttributes attributes, int opset, int output = 0)
    {
        var outs = RunAll(opType, inputs, attributes, opset);
        if (output >= outs.Length) throw new InvalidOperationException($"ONNX op {opType} has {outs.Length} output(s); output {output} was asked for.");
        for (int i = 0; i < outs.Length; i++) if (i != output) outs[i].Dispose();
        return outs[output];
    }

    /// <summary>Runs <paramref name="opType"/> and returns all its outputs.</summary>
    public static Tensor[] RunAll(string opType, Tensor?[] inputs, OnnxAttributes attributes, int opset)
    {
        if (!Table.TryGetValue(opType, out var kernel))
            throw new NotSupportedException($"ONNX op \"{opType}\" is not supported. Supported ops: {string.Join(", ", Ops)}.");
        return kernel(inputs, attributes, opset);
    }

    static long[] Longs(Tensor t)
    {
        using var c = t.cpu().to_type(ScalarType.Int64);
        return c.data<long>().ToArray();
    }

    static long Axis(long axis, long rank) => axis < 0 ? axis + rank : axis;

    static Tensor[] Clip(Tensor?[] x, OnnxAttributes a, int o)
    {
        var t = x[0]!;
        if (o < 11)
            return [t.clamp(a.Has("min") ? a.Float("min", 0) : double.NegativeInfinity, a.Has("max") ? a.Float("max", 0) : double.PositiveInfinity)];
        var y = t;
        if (x.Length > 1 && x[1] is not null) y = y.maximum(x[1]!);
        if (x.Length > 2 && x[2] is not null) y = y.minimum(x[2]!);
        return [ReferenceEquals(y, t) ? t.alias() : y];
    }

    static Tensor Softmax(Tensor x, OnnxAttributes a, int opset)
    {
        long rank = x.dim();
        if (opset >= 13) return x.softmax(Axis(a.Int("axis", -1), rank));
        // Before opset 13: the input is viewed as 2-D at `axis` (default 1) and softmax runs over the second part.
        long axis = Axis(a.Int("axis", 1), rank);
        var shape = x.shape;
        long rows = shape.Take((int)axis).Aggregate(1L, (p, d) => p * d);
        return x.reshape(rows, -1).softmax(1).reshape(shape);
    }

    static Tensor[] Shape(Tensor?[] x, OnnxAttributes a, int o)
    {
        var shape = x[0]!.shape;
        long rank = shape.Length;
        long start = Math.Clamp(Axis(a.Int("start", 0), rank), 0, rank), end = Math.Clamp(Axis(a.Int("end", rank), rank), 0, rank);
        return [tensor(shape[(int)start..(int)Math.Max(start, end)], device: x[0]!.device)];
    }

    static Tensor[] Gather(Tensor?[] x, OnnxAttributes a, int o)
    {
        var data = x[0]!;
        var indices = x[1]!.to_type(ScalarType.Int64);
        long axis = Axis(a.Int("axis", 0), data.dim());
        long size = data.shape[axis];
        var idx = where(indices.lt(0), indices + size, indices);
        var flat = data.index_select(axis, idx.flatten());
        var shape = data.shape.Take((int)axis).Concat(indices.shape).Concat(data.shape.Skip((int)axis + 1)).ToArray();
        return [flat.reshape(shape)];
    }

    static long[] AxesOf(Tensor?[] x, OnnxAttributes a, int opset, int inputSince) =>
        opset >= inputSince ? (x.Length > 1 && x[1] is not null ? Longs(x[1]!) : Array.Empty<long>()) : a.Ints("axes") ?? Array.Empty<long>();

    static Tensor Indices(Tensor indices, long size)
    {
        var i = indices.to_type(ScalarType.Int64);
        return where(i.lt(0), i + size, i);
    }

    static Tensor[] TopK(Tensor?[] x, OnnxAttributes a, int o)
    {
        var t = x[0]!;
        long k = o >= 10 ? Longs(x[1]!)[0] : a.Int("k", 1);
        var (values, indices) = t.topk((int)k, (int)Axis(a.Int("axis", -1), t.dim()), a.Int("largest", 1) != 0, a.Int("sorted", 1) != 0);
        return [values, indices];
    }

    static Tensor[] CumSum(Tensor?[] x, OnnxAttributes a, int o)
    {
        if (a.Int("exclusive", 0) != 0 || a.Int("reverse", 0) != 0)
            throw new NotSupportedException("ONNX CumSum with exclusive=1 or reverse=1 is not supported.");
        var t = x[0]!;
        return [t.cumsum(Axis(Longs(x[1]!)[0], t.dim()))];
    }

    static Tensor[] Unsqueeze(Tensor?[] x, OnnxAttributes a, int o)
    {
        var axes = AxesOf(x, a, o, 13);
        long rank = x[0]!.dim() + axes.Length;
        var y = x[0]!.alias();
        foreach (var ax in axes.Select(v => Axis(v, rank)).Order()) y = y.unsqueeze(ax);
        return [y];
    }

    static Tensor[] Squeeze(Tensor?[] x, OnnxAttributes a, int o)
    {
        var t = x[0]!;
        var axes = AxesOf(x, a, o, 13);
        if (axes.Length == 0) return [t.squeeze()];
        var drop = axes.Select(v => Axis(v, t.dim())).ToHashSet();
        return [t.reshape(t.shape.Where((d, i) => !drop.Contains(i)).ToArray())];
    }

    static Tensor[] Split(Tensor?[] x, OnnxAttributes a, int o)
    {
        var t = x[0]!;
        long axis = Axis(a.Int("axis", 0), t.dim());
        long[]? sizes = o >= 13 ? (x.Length > 1 && x[1] is not null ? Longs(x[1]!) : null) : a.Ints("split");
        if (sizes is null)
        {
            long parts = a.Int("num_outputs", 0);
            if (parts <= 0) throw new NotSupportedException("ONNX Split without `split` sizes or `num_outputs` is not supported (the number of outputs is not known to the kernel).");
            long chunk = (t.shape[axis] + parts - 1) / parts;
            return t.split(chunk, axis);
        }
        return t.split(sizes, axis);
    }

    static Tensor[] Slice(Tensor?[] x, OnnxAttributes a, int o)
    {
        var t = x[0]!;
        long[] starts, ends, axes, steps;
        if (o < 10)
        {
            starts = a.Ints("starts")!; ends = a.Ints("ends")!;
            axes = a.Ints("axes") ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = starts.Select(_ => 1L).ToArray();
        }
        else
        {
            starts = Longs(x[1]!); ends = Longs(x[2]!);
            axes = x.Length > 3 && x[3] is not null ? Longs(x[3]!) : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = x.Length > 4 && x[4] is not null ? Longs(x[4]!) : starts.Select(_ => 1L).ToArray();
        }
        var y = t.alias();
        for (int i = 0; i < axes.Length; i++)
        {
            long ax = Axis(axes[i], t.dim()), n = t.shape[ax];
            if (steps[i] <= 0) throw new NotSupportedException($"ONNX Slice with step {steps[i]} is not supported (only positive steps).");
            long s = Math.Clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n);
            long e = Math.Clamp(ends[i] < 0 ? ends[i] + n : ends[i], 0, n);
            y = y.slice(ax, s, Math.Max(s, e), steps[i]);
        }
        return [y];
    }

    static Tensor[] Reshape(Tensor?[] x, OnnxAttributes a, int o)
    {
        var t = x[0]!;
        var shape = o >= 5 ? Longs(x[1]!) : a.Ints("shape")!;
        bool allowZero = a.Int("allowzero", 0) != 0;
        for (int i = 0; i < shape.Length; i++) if (shape[i] == 0 && !allowZero) shape[i] = t.shape[i];
        return [t.reshape(shape)];
    }

    static Tensor FlattenAt(Tensor t, long axis)
    {
        axis = Axis(axis, t.dim());
        long rows = t.shape.Take((int)axis).Aggregate(1L, (p, d) => p * d);
        return t.reshape(rows, -1);
    }

    static Tensor Expand(Tensor t, Tensor shapeTensor)
    {
        var shape = Longs(shapeTensor);
        int rank = Math.Max(shape.Length, (int)t.dim());
        var target = new long[rank];
        var ts = t.shape;
        for (int i = 0; i < rank; i++)
        {
            long s = i - (rank - shape.Length) >= 0 ? shape[i - (rank - shape.Length)] : 1;
            long d = i - (rank - ts.Length) >= 0 ? ts[i - (rank - ts.Length)] : 1;
            target[i] = s == 1 ? d : s;
        }
        return t.expand(target);
    }

    static Tensor[] ConstantOfShape(Tensor?[] x, OnnxAttributes a, int o)
    {
        var shape = Longs(x[0]!);
        var value = a.Json["value"] as System.Text.Json.Nodes.JsonObject;
        if (value is null) return [zeros(shape, ScalarType.Float32, x[0]!.device)];
        var v = OnnxTensorJson.Read(value);
        return [v.reshape(Array.Empty<long>()).to(x[0]!.device).expand(shape).clone()];
    }

    static Tensor Reduce(Tensor?[] x, OnnxAttributes a, int opset, int inputSince, Func<Tensor, long[], bool, Tensor> reduce)
    {
        var t = x[0]!;
        var axes = opset >= inputSince ? (x.Length > 1 && x[1] is not null ? Longs(x[1]!) : Array.Empty<long>()) : a.Ints("axes") ?? Array.Empty<long>();
        bool keep = a.Int("keepdims", 1) != 0;
        if (axes.Length == 0)
        {
            if (opset >= inputSince && a.Int("noop_with_empty_axes", 0) != 0) return t.alias();
            axes = Enumerable.Range(0, (int)t.dim()).Select(i => (long)i).ToArray();
        }
        return reduce(t, axes.Select(v => Axis(v, t.dim())).ToArray(), keep);
    }

    static Tensor[] Gemm(Tensor?[] x, OnnxAttributes a, int o)
    {
        var A = a.Int("transA", 0) != 0 ? x[0]!.t() : x[0]!;
        var B = a.Int("transB", 0) != 0 ? x[1]!.t() : x[1]!;
        var y = A.matmul(B);
        double alpha = a.Float("alpha", 1.0), beta = a.Float("beta", 1.0);
        if (alpha != 1.0) y = y * alpha;
        if (x.Length > 2 && x[2] is not null) y = beta == 1.0 ? y + x[2]! : y + x[2]! * beta;
        return [y];
    }

    /// <summary>ONNX's explicit pads [begin…, end…] for a node, with auto_pad SAME_UPPER/SAME_LOWER resolved.</summary>
    internal static long[] Pads(OnnxAttributes a, long[] spatial, long[] kernel, long[] strides, long[] dilations)
    {
        int n = spatial.Length;
        string auto = a.String("auto_pad", "NOTSET");
        if (auto is "SAME_UPPER" or "SAME_LOWER")
        {
            var pads = new long[2 * n];
            for (int i = 0; i < n; i++)
            {
                long output = (spatial[i] + strides[i] - 1) / strides[i];
                long total = Math.Max((output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatial[i], 0);
                long small = total / 2, big = total - small;
                pads[i] = auto == "SAME_UPPER" ? small : big;
                pads[i + n] = auto == "SAME_UPPER" ? big : small;
            }
            return pads;
        }
        return a.Ints("pads") ?? new long[2 * n];
    }

    static Tensor[] Conv(Tensor?[] x, OnnxAttributes a, int o)
    {
        var input = x[0]!; var w = x[1]!; var b = x.Length > 2 ? x[2] : null;
        int n = (int)w.dim() - 2;
        var kernel = w.shape.Skip(2).ToArray();
        var strides = a.Ints("strides") ?? Enumerable.Repeat(1L, n).ToArray();
        var dilations = a.Ints("dilations") ?? Enumerable.Repeat(1L, n).ToArray();
        var pads = Pads(a, input.shape.Skip(2).ToArray(), kernel, strides, dilations);
        long group = a.Int("group", 1);
        var (padded, zero) = PadInput(input, pads, 0.0);
        return [n switch
        {
            1 => nn.functional.conv1d(padded, w, b, strides[0], zero[0], dilations[0], group),
            2 => nn.functional.conv2d(padded, w, b, strides, zero, dilations, group),
            3 => nn.functional.conv3d(padded, w, b, strides, zero, dilations, group),
            _ => throw new NotSupportedException($"ONNX Conv over {n} spatial axes is not supported (1 to 3)."),
        }];
    }

    /// <summary>Pads the spatial axes of (N, C, …) with ONNX's [begin…, end…] pads, returning zero conv padding.</summary>
    static (Tensor Padded, long[] Zero) PadInput(Tensor x, long[] pads, double value)
    {
        int n = pads.Length / 2;
        var zero = new long[n];
        if (pads.All(p => p == 0)) return (x, zero);
        var torchPads = new long[2 * n];                      // last axis first: (left, right) of axis n-1, then n-2, …
        for (int i = 0; i < n; i++)
        {
            torchPads[2 * i] = pads[n - 1 - i];
            torchPads[2 * i + 1] = pads[2 * n - 1 - i];
        }
        return (nn.functional.pad(x, torchPads, PaddingModes.Constant, value), zero);
    }

    static Tensor Pool(Tensor x, OnnxAttributes a, bool max)
    {
        var kernel = a.Ints("kernel_shape")!;
        int n = kernel.Length;
        var strides = a.Ints("strides") ?? Enumerable.Repeat(1L, n).ToArray();
        var dilations = a.Ints("dilations") ?? Enumerable.Repeat(1L, n).ToArray();
        if (dilations.Any(d => d != 1)) throw new NotSupportedException("ONNX pooling with dilations is not supported.");
        bool ceil = a.Int("ceil_mode", 0) != 0;
        var pads = Pads(a, x.shape.Skip(2).ToArray(), kernel, strides, dilations);
        if (max)
        {
            var (p, zero) = PadInput(x, pads, double.NegativeInfinity);
            return n switch
            {
                1 => nn.functional.max_pool1d(p, kernel[0], strides[0], 0, 1, ceil),
                2 => nn.functional.max_pool2d(p, kernel, strides, zero, null, ceil),
                _ => nn.functional.max_pool3d(p, kernel, strides, zero, null, ceil),
            };
        }
        bool countPad = a.Int("count_include_pad", 0) != 0;
        var (padded, z) = PadInput(x, pads, 0.0);
        var sum = n switch
        {
            1 => nn.functional.avg_pool1d(padded, kernel[0], strides[0], 0, ceil, true),
            2 => nn.functional.avg_pool2d(padded, kernel, strides, z, ceil, true),
            _ => nn.functional.avg_pool3d(padded, kernel, strides, z, ceil, true),
        };
        if (countPad || pads.All(p => p == 0)) return sum;
        // Padding excluded from the count: divide by the share of real pixels under each window.
        using var ones = ones_like(x);
        var (onesPadded, z2) = PadInput(ones, pads, 0.0);
        var share = n switch
        {
            1 => nn.functional.avg_pool1d(onesPadded, kernel[0], strides[0], 0, ceil, true),
            2 => nn.functional.avg_pool2d(onesPadded, kernel, strides, z2, ceil, true),
            _ => nn.functional.avg_pool3d(onesPadded, kernel, strides, z2, ceil, true),
        };
        return sum / share;
    }

    static Tensor[] LayerNorm(Tensor?[] x, OnnxAttributes a, int o)
    {
        var t = x[0]!;
        long axis = Axis(a.Int("axis", -1), t.dim());
        var shape = t.shape.Skip((int)axis).ToArray();
        return [nn.functional.layer_norm(t, shape, x[1], x.Length > 2 ? x[2] : null, a.Float("epsilon", 1e-5))];
    }

    static Tensor[] Pad(Tensor?[] x, OnnxAttributes a, int o)
    {
        var t = x[0]!;
        string mode = a.String("mode", "constant");
        if (mode != "constant") throw new NotSupportedException($"ONNX Pad mode \"{mode}\" is not supported (only constant).");
        var pads = o >= 11 ? Longs(x[1]!) : a.Ints("pads")!;
        double value = o >= 11 ? (x.Length > 2 && x[2] is not null ? x[2]!.item<float>() : 0.0) : a.Float("value", 0.0);
        int n = (int)t.dim();
        var torchPads = new long[2 * n];
        for (int i = 0; i < n; i++)
        {
            torchPads[2 * i] = pads[n - 1 - i];
            torchPads[2 * i + 1] = pads[2 * n - 1 - i];
        }
        return [nn.functional.pad(t, torchPads, PaddingModes.Constant, value)];
    }
}
