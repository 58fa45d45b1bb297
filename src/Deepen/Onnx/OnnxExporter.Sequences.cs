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
    /// <para>A mask becomes <c>sequence_lens</c> (the number of real steps per row, computed in the graph). That is
    /// exact for trailing padding, which TextVectorization and <c>pad_sequences(padding="post")</c> produce: Deepen,
    /// as Keras, skips masked steps, so the last output is the one at the last real step (ONNX's Y_h), and with
    /// returnSequences the padded steps repeat it (zeros inside Bidirectional, Keras's zero_output_for_mask: ONNX's
    /// own padding). Leading or inner padding is not expressible with sequence_lens.</para>
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

        var inputs = new List<string> { Transpose(x, n, 1, 0, 2), Weight(n + "/W", w), Weight(n + "/R", rk),    // X: [T, N, F]
            Weight(n + "/B", cat(new[] { inputBias, recurrentBias }).unsqueeze(0)) };
        if (mask is not null)
        {
            string ones = _w.Node("Cast", n + "_lengths", new[] { mask }, Int("to", OnnxTypes.Int32));
            inputs.Add(_w.Node("ReduceSum", n + "_lengths", new[] { ones, _w.Longs(n + "/time_axis", 1) }, Int("keepdims", 0)));
        }
        var outputs = _w.NodeWithOutputs(op, n, inputs, 2, attributes.ToArray());
        string last = _w.Node("Squeeze", n + "_h", new[] { outputs[1], _w.Longs(n + "/axis0", 0) });    // Y_h: [1, N, U] → [N, U]
        if (!r.ReturnSequences) return last;

        string y = _w.Node("Squeeze", n + "_y", new[] { outputs[0], _w.Longs(n + "/axis1", 1) });       // Y: [T, 1, N, U] → [T, N, U]
        if (mask is not null && !r.ZeroOutputForMask && !r.GoBackwards)
        {
            // Padded steps repeat the last real output; ONNX leaves zeros there.
            string real = _w.Node("Unsqueeze", n + "_mask", new[] { Transpose(mask, n, 1, 0), _w.Longs(n + "/last_axis", -1) });
            y = _w.Node("Where", n + "_y", new[] { real, y, last });
        }
        // goBackwards: Keras returns the outputs in processing order; ONNX stores them at their time step. Padded steps
        // come first backwards with zero states (zero outputs), as ONNX's padding.
        if (r.GoBackwards) y = Reverse(y, 0, steps, n);
        return Transpose(y, n, 1, 0, 2);
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
