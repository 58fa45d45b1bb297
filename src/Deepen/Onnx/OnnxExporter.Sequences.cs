using Deepen.Layers;
using Google.Protobuf;
using Onnx;
using static Deepen.Onnx.OnnxGraphWriter;
using static TorchSharp.torch;

namespace Deepen.Onnx;

// Recurrent layers, their wrappers and the mask-aware pooling over time.
internal sealed partial class OnnxExporter
{
    /// <summary>
    /// SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU ops (time-major, one direction; "reverse" for
    /// goBackwards). Gate blocks are reordered from Keras's order to ONNX's: LSTM i, f, c, o → i, o, f, c; GRU z, r, h
    /// is already ONNX's order, and Keras 3's reset_after is ONNX's linear_before_reset = 1.
    /// <para>With a mask, Deepen (as Keras) skips the masked steps: the states carry over and the output repeats the
    /// previous one (zeros inside Bidirectional, Keras's zero_output_for_mask). The graph reproduces that for any mask
    /// pattern: each row's real steps are moved to the front in order (TopK on position + T·masked, GatherElements),
    /// the op runs with <c>sequence_lens</c> = the number of real steps, and with returnSequences every step takes
    /// the output of the real step the layer last processed (its rank from CumSum of the mask). For trailing padding
    /// (TextVectorization's) the reordering is the identity.</para>
    /// </summary>
    string Recurrent(RecurrentLayer r, string x, Shape shape, string? mask, string n)
    {
        long u = r.Units, steps = shape[0];
        Tensor Blocks(Tensor t, int[] order) => cat(order.Select(i => t.narrow(0, i * u, u)).ToArray(), 0);
        var (op, order, activations) = r switch
        {
            LSTM l => ("LSTM", new[] { 0, 3, 1, 2 }, new[] { l.RecurrentActivation, l.Activation, l.Activation }),
            GRU g => ("GRU", new[] { 0, 1, 2 }, new[] { g.RecurrentActivation, g.Activation }),
            _ => ("RNN", new[] { 0 }, new[] { r.Activation }),
        };
        var w = Blocks(r.Kernel.Value, order).unsqueeze(0);
        var rk = Blocks(r.RecurrentKernel.Value, order).unsqueeze(0);
        Tensor inputBias = zeros(order.Length * u), recurrentBias = zeros(order.Length * u);
        if (r.Bias is not null)
        {
            if (r.Bias.Value.dim() == 2) { inputBias = Blocks(r.Bias.Value[0], order); recurrentBias = Blocks(r.Bias.Value[1], order); }
            else inputBias = Blocks(r.Bias.Value, order);
        }
        var names = activations.Select(a => a switch
        {
            "sigmoid" => "Sigmoid", "tanh" => "Tanh", "relu" => "Relu",
            _ => throw Unsupported(r, $"activation \"{a}\" has no ONNX recurrent form"),
        });
        var strings = new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings };
        strings.Strings.AddRange(names.Select(ByteString.CopyFromUtf8));
        var attributes = new List<AttributeProto> { Int("hidden_size", u), strings, OnnxGraphWriter.String("direction", r.GoBackwards ? "reverse" : "forward") };
        if (r is GRU { ResetAfter: true }) attributes.Add(Int("linear_before_reset", 1));

        Compacted? compacted = mask is null ? null : Compact(x, mask, steps, n);
        var inputs = new List<string> { Transpose(compacted?.Sequence ?? x, n, 1, 0, 2), Weight(n + "/W", w), Weight(n + "/R", rk),    // X: [T, N, F]
            Weight(n + "/B", cat(new[] { inputBias, recurrentBias }).unsqueeze(0)) };
        if (compacted is not null) inputs.Add(_w.Node("Cast", n + "_lengths", new[] { compacted.Value.Lengths }, Int("to", OnnxTypes.Int32)));
        var outputs = _w.NodeWithOutputs(op, n, inputs, 2, attributes.ToArray());
        string last = _w.Node("Squeeze", n + "_h", new[] { outputs[1], _w.Longs(n + "/axis0", 0) });    // Y_h: [1, N, U] → [N, U]
        if (!r.ReturnSequences) return last;

        string y = Transpose(_w.Node("Squeeze", n + "_y", new[] { outputs[0], _w.Longs(n + "/axis1", 1) }), n, 1, 0, 2);   // Y: [T, 1, N, U] → [N, T, U]
        if (compacted is { } c) y = Expand(r, y, c, n);
        // goBackwards: Keras returns the outputs in processing order (last step first).
        return r.GoBackwards ? Reverse(y, 1, steps, n) : y;
    }

    /// <summary>A masked sequence with each row's real steps moved to the front: the mask as int64, its running count, the real steps per row.</summary>
    readonly record struct Compacted(string Sequence, string Mask, string Count, string Lengths);

    Compacted Compact(string x, string mask, long steps, string n)
    {
        string m = _w.Node("Cast", n + "_mask", new[] { mask }, Int("to", OnnxTypes.Int64));                        // [N, T]
        string masked = _w.Node("Sub", n + "_padding", new[] { _w.Longs(n + "/one", 1L), m });
        // Sort key: t for a real step, t + T for a masked one; the smallest T keys give the real steps in order, then the rest.
        string key = _w.Node("Add", n + "_key", new[] { _w.Longs(n + "/positions", Enumerable.Range(0, (int)steps).Select(i => (long)i).ToArray()),
            _w.Node("Mul", n + "_key", new[] { masked, _w.Longs(n + "/steps", steps) }) });
        string order = _w.NodeWithOutputs("TopK", n + "_order", new[] { _w.Node("Cast", n + "_key", new[] { key }, Int("to", OnnxTypes.Float)), _w.Longs(n + "/k", steps) },
            2, Int("axis", 1), Int("largest", 0), Int("sorted", 1))[1];
        string sequence = GatherSteps(x, order, n);
        string count = _w.Node("CumSum", n + "_count", new[] { m, _w.Initializer(n + "/time", tensor(1L)) });     // axis: a 0-D tensor
        string lengths = _w.Node("ReduceSum", n + "_lengths", new[] { m, _w.Longs(n + "/time_axis", 1) }, Int("keepdims", 0));
        return new Compacted(sequence, m, count, lengths);
    }

    /// <summary>x [N, T, F] gathered along time by indices [N, T].</summary>
    string GatherSteps(string x, string indices, string n)
    {
        string expanded = _w.Node("Expand", n + "_indices", new[] { _w.Node("Unsqueeze", n + "_indices", new[] { indices, _w.Longs(n + "/feature_axis", -1) }),
            _w.Node("Shape", n + "_shape", new[] { x }) });
        return _w.Node("GatherElements", n + "_gathered", new[] { x, expanded }, Int("axis", 1));
    }

    /// <summary>
    /// The outputs of a compacted run [N, T, U] back at every time step, as Deepen gives them: a real step t gets the
    /// output of its rank (count − 1); a masked step repeats the last output the layer produced before it — forwards
    /// the real step before t (rank count − 1), backwards the real step after t (rank count) — or zeros when there is
    /// none yet, or always with zero_output_for_mask.
    /// </summary>
    string Expand(RecurrentLayer r, string y, Compacted c, string n)
    {
        string one = _w.Longs(n + "/one_", 1L), zero = _w.Longs(n + "/zero_", 0L);
        string real = _w.Node("Cast", n + "_real", new[] { c.Mask }, Int("to", OnnxTypes.Bool));
        string rank = _w.Node("Sub", n + "_rank", new[] { c.Count, one });
        string index, valid;
        if (!r.GoBackwards)
        {
            index = _w.Node("Max", n + "_index", new[] { rank, zero });
            valid = r.ZeroOutputForMask ? real : _w.Node("Greater", n + "_valid", new[] { c.Count, zero });
        }
        else
        {
            index = _w.Node("Where", n + "_index", new[] { real, rank, c.Count });
            string lengths = _w.Node("Unsqueeze", n + "_lengths", new[] { c.Lengths, _w.Longs(n + "/row_axis", -1) });
            valid = r.ZeroOutputForMask ? real
                : _w.Node("Or", n + "_valid", new[] { real, _w.Node("Less", n + "_valid", new[] { c.Count, lengths }) });
            // A masked step after the last real one would read past the row's real steps (index = length ≤ T − 1): valid is false there.
        }
        string gathered = GatherSteps(y, index, n + "_outputs");
        return _w.Node("Where", n + "_y", new[] { _w.Node("Unsqueeze", n + "_valid", new[] { valid, _w.Longs(n + "/valid_axis", -1) }), gathered, _w.Scalar(n + "/zero_output", 0f) });
    }

    string Reverse(string x, long axis, long steps, string n) =>
        _w.Node("Gather", n + "_reversed", new[] { x, _w.Longs(n + "/reversed", Enumerable.Range(0, (int)steps).Select(i => steps - 1 - i).ToArray()) }, Int("axis", axis));

    /// <summary>Keras's Bidirectional: the forward and backward layers as two nodes, the backward sequence put back in time order, then merged.</summary>
    string Bidirectional(Bidirectional b, string x, Shape shape, string? mask, string n)
    {
        string forward = Recurrent(b.Forward, x, shape, mask, b.Forward.Name);
        string backward = Recurrent(b.Backward, x, shape, mask, b.Backward.Name);
        if (b.Forward.ReturnSequences) backward = Reverse(backward, 1, shape[0], n);
        return b.MergeMode switch
        {
            "concat" => _w.Node("Concat", n, new[] { forward, backward }, Int("axis", -1)),
            "sum" => _w.Node("Add", n, new[] { forward, backward }),
            "mul" => _w.Node("Mul", n, new[] { forward, backward }),
            _ => _w.Node("Mul", n, new[] { _w.Node("Add", n, new[] { forward, backward }), _w.Scalar(n + "/half", 0.5f) }),
        };
    }

    /// <summary>Keras's TimeDistributed: time folded into the batch with Reshape, the layer, then unfolded.</summary>
    string TimeDistributed(TimeDistributed t, string x, Shape shape)
    {
        string n = t.Name;
        var step = new Shape(shape.Skip(1).ToArray());
        string folded = _w.Node("Reshape", n + "_fold", new[] { x, _w.Longs(n + "/folded", new long[] { -1 }.Concat(step.Select(d => (long)d)).ToArray()) });
        string y = Emit(t.Layer, new[] { folded }, new[] { step }, new string?[] { null }, listCall: false);
        var output = t.Layer.ComputeOutputShape(step);
        return _w.Node("Reshape", n + "_unfold", new[] { y, _w.Longs(n + "/unfolded", new long[] { -1, shape[0] }.Concat(output.Select(d => (long)d)).ToArray()) });
    }

    /// <summary>GlobalAveragePooling1D with a mask: the mean over the real steps (zeros for a row without any).</summary>
    string MaskedMean(string x, string mask, string n, bool keepDims)
    {
        string m = _w.Node("Unsqueeze", n + "_mask", new[] { _w.Node("Cast", n + "_mask", new[] { mask }, Int("to", OnnxTypes.Float)), _w.Longs(n + "/last_axis", -1) });
        string time = _w.Longs(n + "/time_axis", 1);
        string sums = _w.Node("ReduceSum", n + "_sum", new[] { _w.Node("Mul", n, new[] { x, m }), time }, Int("keepdims", keepDims ? 1 : 0));
        string counts = _w.Node("ReduceSum", n + "_count", new[] { m, time }, Int("keepdims", keepDims ? 1 : 0));
        return _w.Node("Div", n, new[] { sums, _w.Node("Max", n + "_count", new[] { counts, _w.Scalar(n + "/one", 1f) }) });
    }
}
