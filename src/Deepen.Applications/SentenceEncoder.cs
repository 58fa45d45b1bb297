using System.Text.Json.Nodes;
using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Applications;

/// <summary>
/// A BERT-style encoder imported from ONNX (inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>;
/// output <c>last_hidden_state</c>) as one layer from token ids to sentence embeddings: the attention mask is the
/// non-padding ids (id 0 is [PAD]), token types are 0, the hidden states are averaged over the mask and the result is
/// L2-normalized — sentence-transformers' mean pooling and Normalize modules. The encoder's weights are this layer's
/// (trained, frozen, saved with it).
/// </summary>
/// <example><code>
/// var encoder = new SentenceEncoder(Model.FromOnnx("model.onnx", options), width: 384);
/// var model = new Sequential(tokenizer, encoder, new Dense(2, activation: "softmax"));
/// </code></example>
public sealed class SentenceEncoder : Layer
{
    readonly Model _encoder;

    /// <param name="encoder">The imported encoder, with three int64 inputs of shape (sequence length).</param>
    /// <param name="width">The hidden size (the embedding's length).</param>
    /// <param name="normalize">Whether embeddings are L2-normalized.</param>
    /// <param name="name">The layer's name.</param>
    public SentenceEncoder(Model encoder, int width, bool normalize = true, string? name = null) : base(name)
    {
        _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        Width = width;
        Normalize = normalize;
        // Prefixed with the inner layer's name: imported layers reuse weight names (every Gather has an "input_0"), and a
        // saved model keys weights by "<this layer>/<weight>".
        foreach (var layer in encoder.Layers) TrackLayer(layer, layer.Name);
    }

    /// <summary>The embedding's length.</summary>
    public int Width { get; }

    /// <summary>Whether embeddings are L2-normalized.</summary>
    public bool Normalize { get; }

    /// <summary>The imported encoder.</summary>
    public Model Encoder => _encoder;

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 1;

    /// <summary>Embeddings [N, <see cref="Width"/>] for token ids [N, S] (0 = padding).</summary>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var scope = NewDisposeScope();
        var ids = inputs.to_type(ScalarType.Int64);
        var mask = ids.ne(0).to_type(ScalarType.Int64);
        var types = zeros_like(ids);
        var hidden = _encoder.Call([ids, mask, types], training)[0];                   // [N, S, width]
        var m = mask.unsqueeze(-1).to_type(hidden.dtype);
        // sentence_transformers/models/Pooling.py (mean tokens): sum(h * mask) / clamp(sum(mask), min=1e-9)
        var pooled = (hidden * m).sum(1) / m.sum(1).clamp_min(1e-9);
        // sentence_transformers/models/Normalize.py: torch.nn.functional.normalize(p=2, dim=1)
        var result = Normalize ? nn.functional.normalize(pooled, p: 2, dim: 1) : pooled;
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(Width);

    /// <summary>The width, the normalization and the encoder's whole functional config (its weights are saved as this layer's).</summary>
    public override LayerConfig GetConfig() => base.GetConfig().Set("width", Width).Set("normalize", Normalize)
        .Set("encoder", _encoder.GetConfig().Json.DeepClone());

    internal static Layer FromConfig(LayerConfig c)
    {
        if (c.Json["encoder"] is not JsonObject encoder) throw new FormatException("SentenceEncoder's config has no \"encoder\" object (the encoder's functional config).");
        var model = Model.FromFunctionalConfig(new LayerConfig(encoder.DeepClone().AsObject()));
        return new SentenceEncoder(model, c.GetInt("width"), c.Has("normalize") ? c.GetBool("normalize") : true);
    }
}
