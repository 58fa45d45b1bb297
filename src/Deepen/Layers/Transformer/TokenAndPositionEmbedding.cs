using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Token plus learned position embeddings, as KerasHub's TokenAndPositionEmbedding: ids [batch, steps] →
/// <c>Embedding(ids) + PositionEmbedding</c>, [batch, steps, embeddingDim], for steps ≤ <c>sequenceLength</c>.
/// With <c>maskZero</c>, id 0 is padding and the layer emits the mask (true for real tokens) that
/// <see cref="TransformerEncoder"/> and <see cref="GlobalAveragePooling1D"/> respect. Weights:
/// "token_embedding/embeddings" [vocabularySize, embeddingDim] and "position_embedding/embeddings"
/// [sequenceLength, embeddingDim].
/// </summary>
/// <example><code>new TokenAndPositionEmbedding(vocabularySize: 20000, sequenceLength: 200, embeddingDim: 64, maskZero: true)</code></example>
public sealed class TokenAndPositionEmbedding : Layer
{
    Embedding? _tokens;
    PositionEmbedding? _positions;

    /// <param name="vocabularySize">Number of ids (ids lie in [0, vocabularySize)).</param>
    /// <param name="sequenceLength">The longest sequence.</param>
    /// <param name="embeddingDim">Size of each vector.</param>
    /// <param name="embeddingsInitializer">Initializer of both tables (KerasHub's default "uniform").</param>
    /// <param name="maskZero">Whether id 0 is padding.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps), for the first layer of a model.</param>
    public TokenAndPositionEmbedding(int vocabularySize, int sequenceLength, int embeddingDim, string embeddingsInitializer = "uniform",
        bool maskZero = false, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        VocabularySize = Check.Positive(vocabularySize, nameof(vocabularySize));
        SequenceLength = Check.Positive(sequenceLength, nameof(sequenceLength));
        EmbeddingDim = Check.Positive(embeddingDim, nameof(embeddingDim));
        EmbeddingsInitializer = Initializers.Resolve(embeddingsInitializer, nameof(embeddingsInitializer));
        MaskZero = maskZero;
        if (maskZero && vocabularySize < 2)
            throw Check.Invalid(nameof(vocabularySize), vocabularySize, "at least 2 with maskZero=true (id 0 is reserved for padding)");
    }

    /// <summary>The number of ids: ids lie in [0, VocabularySize) (KerasHub's <c>vocabulary_size</c>).</summary>
    public int VocabularySize { get; }
    /// <summary>The longest sequence the layer can embed (KerasHub's <c>sequence_length</c>).</summary>
    public int SequenceLength { get; }
    /// <summary>The size of each token and position vector (KerasHub's <c>embedding_dim</c>).</summary>
    public int EmbeddingDim { get; }
    /// <summary>The initializer name of both tables (KerasHub's <c>embeddings_initializer</c>, default <c>"uniform"</c>).</summary>
    public string EmbeddingsInitializer { get; }
    /// <summary>Whether id 0 is padding, for which the layer emits a false mask (KerasHub's <c>mask_zero</c>, default false).</summary>
    public bool MaskZero { get; }

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 1;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        _tokens = new Embedding(VocabularySize, EmbeddingDim, EmbeddingsInitializer, MaskZero, name: Name + "/token_embedding");
        _tokens.Build(inputShape);
        _positions = new PositionEmbedding(SequenceLength, EmbeddingsInitializer, name: Name + "/position_embedding");
        _positions.Build(new Shape(inputShape[0], EmbeddingDim));
        TrackLayer(_tokens, "token_embedding");
        TrackLayer(_positions, "position_embedding");
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (inputs.dim() != 2)
            throw new ArgumentException($"Layer \"{Name}\" expects ids [batch, steps]; received ({string.Join(", ", inputs.shape)}).", nameof(inputs));
        if (!Built) Build(new Shape((int)inputs.shape[1]));
        using var tokens = _tokens!.Call(inputs);
        using var positions = _positions!.Call(tokens);
        return tokens + positions;
    }

    /// <summary>With <see cref="MaskZero"/>, true where the id is not 0; otherwise none.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => MaskZero ? inputs.ne(0) : null;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(inputShape[0], EmbeddingDim);

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("vocabulary_size", VocabularySize).Set("sequence_length", SequenceLength).Set("embedding_dim", EmbeddingDim)
        .Set("embeddings_initializer", EmbeddingsInitializer).Set("mask_zero", MaskZero);
}
