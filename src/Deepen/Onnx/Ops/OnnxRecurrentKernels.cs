using static TorchSharp.torch;

namespace Deepen.Onnx.Ops;

/// <summary>
/// ONNX's RNN, GRU and LSTM ops (https://onnx.ai/onnx/operators/onnx__LSTM.html) on LibTorch: layout 0 (X is
/// [T, N, F]), directions forward, reverse and bidirectional, <c>sequence_lens</c> (steps at or after a row's
/// length keep its state and output zeros), initial states, GRU's <c>linear_before_reset</c>. The input projection
/// runs for all steps in one product, then a step loop of TorchSharp ops, so autograd trains through it (as
/// Deepen's own recurrent layers). Peepholes, <c>clip</c>, <c>input_forget</c> and layout 1 are refused.
/// Outputs: Y [T, D, N, H], Y_h [D, N, H] and, for LSTM, Y_c [D, N, H].
/// </summary>
internal static class OnnxRecurrentKernels
{
    public static Tensor[] Rnn(Tensor?[] x, OnnxAttributes a, int opset) => Run("RNN", 1, new[] { "Tanh" }, x, a);
    public static Tensor[] Gru(Tensor?[] x, OnnxAttributes a, int opset) => Run("GRU", 3, new[] { "Sigmoid", "Tanh" }, x, a);
    public static Tensor[] Lstm(Tensor?[] x, OnnxAttributes a, int opset) => Run("LSTM", 4, new[] { "Sigmoid", "Tanh", "Tanh" }, x, a);

    static Tensor? At(Tensor?[] x, int i) => x.Length > i ? x[i] : null;

    static Tensor[] Run(string op, int gates, string[] defaults, Tensor?[] x, OnnxAttributes a)
    {
        if (a.Int("layout", 0) != 0) throw new NotSupportedException($"ONNX {op} with layout=1 (batch-major) is not supported.");
        if (a.Has("clip")) throw new NotSupportedException($"ONNX {op} with `clip` is not supported.");
        if (a.Int("input_forget", 0) != 0) throw new NotSupportedException("ONNX LSTM with input_forget=1 is not supported.");
        if (op == "LSTM" && At(x, 7) is not null) throw new NotSupportedException("ONNX LSTM with peepholes (input P) is not supported.");
        var input = x[0]!; var w = x[1]!; var r = x[2]!;
        var bias = At(x, 3); var lengths = At(x, 4); var initialH = At(x, 5); var initialC = op == "LSTM" ? At(x, 6) : null;
        string direction = a.String("direction", "forward");
        int directions = direction == "bidirectional" ? 2 : 1;
        long steps = input.shape[0], batch = input.shape[1], hidden = r.shape[2];
        var names = a.Json["activations"] is System.Text.Json.Nodes.JsonArray list
            ? list.Select(n => n!.GetValue<string>()).ToArray()
            : Enumerable.Repeat(defaults, directions).SelectMany(d => d).ToArray();
        if (names.Length != defaults.Length * directions)
            throw new NotSupportedException($"ONNX {op} needs {defaults.Length * directions} activations; the node gives {names.Length}.");
        // valid[t, n]: step t is within row n's length.
        Tensor? valid = lengths is null ? null
            : arange(steps, device: input.device).unsqueeze(1).lt(lengths.to_type(ScalarType.Int64).unsqueeze(0));

        var ys = new List<Tensor>(); var hs = new List<Tensor>(); var cs = new List<Tensor>();
        for (int d = 0; d < directions; d++)
        {
            bool reverse = direction == "reverse" || d == 1;
            var f = names.Skip(d * defaults.Length).Take(defaults.Length).Select(Activation).ToArray();
            var wb = bias?[d].narrow(0, 0, gates * hidden);
            var rb = bias?[d].narrow(0, gates * hidden, gates * hidden);
            var projected = nn.functional.linear(input, w[d], wb);                        // [T, N, G·H]
            var h = initialH?[d] ?? zeros(batch, hidden, dtype: input.dtype, device: input.device);
            var c = initialC?[d] ?? zeros(batch, hidden, dtype: input.dtype, device: input.device);
            var outputs = new Tensor[steps];
            for (long i = 0; i < steps; i++)
            {
                long t = reverse ? steps - 1 - i : i;
                var (hn, cn) = op switch
                {
                    "LSTM" => LstmStep(projected[t], h, c, r[d], rb, f),
                    "GRU" => (GruStep(projected[t], h, r[d], rb, f, a.Int("linear_before_reset", 0) != 0), c),
                    _ => (f[0](projected[t] + nn.functional.linear(h, r[d], rb)), c),
                };
                if (valid is not null)
                {
                    var m = valid[t].unsqueeze(-1);
                    hn = where(m, hn, h);
                    cn = where(m, cn, c);
                    outputs[t] = where(m, hn, zeros_like(hn));
                }
                else outputs[t] = hn;
                h = hn; c = cn;
            }
            ys.Add(stack(outputs, 0));
            hs.Add(h); cs.Add(c);
        }
        var y = stack(ys, 1);
        var yh = stack(hs, 0);
        return op == "LSTM" ? new[] { y, yh, stack(cs, 0) } : new[] { y, yh };
    }

    // Gates i, o, f, c (ONNX's order).
    static (Tensor H, Tensor C) LstmStep(Tensor projected, Tensor h, Tensor c, Tensor r, Tensor? rb, Func<Tensor, Tensor>[] f)
    {
        var z = (projected + nn.functional.linear(h, r, rb)).chunk(4, -1);
        var next = f[0](z[2]) * c + f[0](z[0]) * f[1](z[3]);
        return (f[0](z[1]) * f[2](next), next);
    }

    // Gates z, r, h (ONNX's order).
    static Tensor GruStep(Tensor projected, Tensor h, Tensor r, Tensor? rb, Func<Tensor, Tensor>[] f, bool linearBeforeReset)
    {
        var x = projected.chunk(3, -1);
        var rk = r.chunk(3, 0);
        var rbs = rb?.chunk(3, 0);
        var z = f[0](x[0] + nn.functional.linear(h, rk[0], rbs?[0]));
        var reset = f[0](x[1] + nn.functional.linear(h, rk[1], rbs?[1]));
        var candidate = linearBeforeReset
            ? f[1](x[2] + reset * nn.functional.linear(h, rk[2], rbs?[2]))
            : f[1](x[2] + nn.functional.linear(reset * h, rk[2], rbs?[2]));
        return (1 - z) * candidate + z * h;
    }

    static Func<Tensor, Tensor> Activation(string name) => name.ToLowerInvariant() switch
    {
        "sigmoid" => t => t.sigmoid(),
        "tanh" => t => t.tanh(),
        "relu" => t => nn.functional.relu(t),
        _ => throw new NotSupportedException($"ONNX recurrent activation \"{name}\" is not supported (Sigmoid, Tanh and Relu are)."),
    };
}
