using Deepen.Layers;
using static Deepen.Onnx.OnnxGraphWriter;
using static TorchSharp.torch;

namespace Deepen.Onnx;

// Attention, the Transformer block and the embeddings of token ids.
internal sealed partial class OnnxExporter
{
    /// <summary>
    /// MultiHeadAttention as Deepen computes it: projections, heads [N, h, T, d], <c>softmax(q·kᵀ/√d)</c> with masked
    /// keys at −1e9 and fully masked rows set to zero, the heads' outputs concatenated and projected. The query's mask
    /// [N, T] and the value's [N, S] combine with AND.
    /// </summary>
    string Attention(MultiHeadAttention m, string query, string value, string key, string? queryMask, string? valueMask, string n)
    {
        // Weights are looked up by name: inside a TransformerEncoder they carry its prefix ("self_attention/query_kernel").
        Tensor? W(string name) => m.Weights.FirstOrDefault(w => w.Name == name || w.Name.EndsWith("/" + name, StringComparison.Ordinal))?.Value;
        int heads = m.NumHeads, dk = m.KeyDim, dv = m.ValueDim ?? m.KeyDim;
        string Dense(string x, string which)
        {
            string y = _w.Node("MatMul", $"{n}_{which}", new[] { x, Weight($"{n}/{which}_kernel", W(which + "_kernel")!.t()) });
            return W(which + "_bias") is { } b ? _w.Node("Add", $"{n}_{which}", new[] { y, Weight($"{n}/{which}_bias", b) }) : y;
        }
        string Heads(string x, string which, int size, params long[] perm) =>
            Transpose(_w.Node("Reshape", $"{n}_{which}", new[] { Dense(x, which), _w.Longs($"{n}/{which}_heads", 0, 0, heads, size) }), $"{n}_{which}", perm);

        string q = _w.Node("Mul", n + "_query", new[] { Heads(query, "query", dk, 0, 2, 1, 3), _w.Scalar(n + "/scale", (float)(1.0 / Math.Sqrt(dk))) });
        string kT = Heads(key, "key", dk, 0, 2, 3, 1);                                               // [N, h, d, S]
        string v = Heads(value, "value", dv, 0, 2, 1, 3);                                             // [N, h, S, d]
        string logits = _w.Node("MatMul", n + "_logits", new[] { q, kT });                          // [N, h, T, S]

        string? mask = null;
        if (queryMask is not null) mask = _w.Node("Unsqueeze", n + "_query_mask", new[] { queryMask, _w.Longs(n + "/query_mask_axes", 1, 3) });
        if (valueMask is not null)
        {
            string keys = _w.Node("Unsqueeze", n + "_value_mask", new[] { valueMask, _w.Longs(n + "/value_mask_axes", 1, 2) });
            mask = mask is null ? keys : _w.Node("And", n + "_mask", new[] { mask, keys });
        }
        string weights;
        if (mask is null) weights = _w.Node("Softmax", n + "_weights", new[] { logits }, Int("axis", -1));
        else
        {
            string masked = _w.Node("Where", n + "_logits", new[] { mask, logits, _w.Scalar(n + "/masked", -1e9f) });
            weights = _w.Node("Where", n + "_weights", new[] { mask, _w.Node("Softmax", n + "_weights", new[] { masked }, Int("axis", -1)), _w.Scalar(n + "/zero", 0f) });
        }
        string attended = Transpose(_w.Node("MatMul", n + "_attended", new[] { weights, v }), n + "_attended", 0, 2, 1, 3);   // [N, T, h, d]
        string concatenated = _w.Node("Reshape", n + "_concat", new[] { attended, _w.Longs(n + "/concat", 0, 0, heads * dv) });
        return Dense(concatenated, "output");
    }

    /// <summary>KerasHub's TransformerEncoder as Deepen runs it: attention (padded keys masked), residual, norm; feed-forward, residual, norm.</summary>
    string Encoder(TransformerEncoder t, string x, Shape shape, string? mask, string n)
    {
        var (attentionNorm, intermediate, output, feedForwardNorm) = t.Parts;
        string Part(Layer layer, string input, Shape s) => Emit(layer, new[] { input }, new[] { s }, new string?[] { null }, listCall: false);

        string residual = x;
        if (t.NormalizeFirst) x = Part(attentionNorm, x, shape);
        x = Attention(t.Attention, x, x, x, queryMask: null, valueMask: mask, n + "/self_attention");
        x = _w.Node("Add", n + "_attention_residual", new[] { x, residual });
        if (!t.NormalizeFirst) x = Part(attentionNorm, x, shape);

        residual = x;
        if (t.NormalizeFirst) x = Part(feedForwardNorm, x, shape);
        x = Part(output, Part(intermediate, x, shape), new Shape(shape[0], t.IntermediateDim));
        x = _w.Node("Add", n + "_feedforward_residual", new[] { x, residual });
        if (!t.NormalizeFirst) x = Part(feedForwardNorm, x, shape);
        return x;
    }

    /// <summary>TokenAndPositionEmbedding: the token vectors plus the first <c>steps</c> rows of the position table.</summary>
    string TokenAndPosition(TokenAndPositionEmbedding e, string ids, Shape shape, string n)
    {
        Tensor W(string name) => e.Weights.First(w => w.Name.EndsWith(name, StringComparison.Ordinal)).Value;
        string tokens = _w.Node("Gather", n + "_tokens", new[] { Weight(n + "/token_embeddings", W("token_embedding/embeddings")), Ids(ids, n) });
        return _w.Node("Add", n, new[] { tokens, Weight(n + "/position_embeddings", W("position_embedding/embeddings").narrow(0, 0, shape[0])) });
    }
}
