using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// One Transformer encoder block (Vaswani et al., 2017), as KerasHub's TransformerEncoder: self-attention with
/// <c>numHeads</c> heads of size features / numHeads, dropout, a residual connection and LayerNormalization, then a
/// feed-forward network (Dense <c>intermediateDim</c> with <c>activation</c>, Dense back to the features), dropout, a
/// residual connection and LayerNormalization. With <c>normalizeFirst</c> the normalizations come before each
/// sub-block instead (pre-LN). Input and output [batch, steps, features].
/// <para>Padding: the incoming mask (e.g. from <see cref="TokenAndPositionEmbedding"/> with maskZero) keeps every
/// query from attending to padded keys, as KerasHub's <c>padding_mask</c>; the mask passes on, so a following
/// <see cref="GlobalAveragePooling1D"/> averages the real steps only.</para>
/// <para>Weights are those of its parts, named "self_attention/…", "self_attention_layer_norm/…",
/// "feedforward_intermediate_dense/…", "feedforward_output_dense/…", "feedforward_layer_norm/…".</para>
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new TokenAndPositionEmbedding(vocabularySize: 20000, sequenceLength: 200, embeddingDim: 64, maskZero: true),
///     new TransformerEncoder(intermediateDim: 128, numHeads: 4, dropout: 0.1),
///     new GlobalAveragePooling1D(),
///     new Dense(1, activation: "sigmoid"));
/// </code></example>
public sealed class TransformerEncoder : Layer
{
    MultiHeadAttention? _attention;
    LayerNormalization? _attentionNorm, _feedForwardNorm;
    Dense? _intermediate, _output;

    /// <param name="intermediateDim">Width of the feed-forward network's hidden layer.</param>
    /// <param name="numHeads">Number of attention heads; must divide the input features.</param>
    /// <param name="dropout">Dropout rate for attention weights and after each sub-block.</param>
    /// <param name="activation">Activation of the feed-forward hidden layer.</param>
    /// <param name="layerNormEpsilon">Epsilon of the two LayerNormalizations (KerasHub's default 1e-5).</param>
    /// <param name="kernelInitializer">Initializer of the dense and attention kernels.</param>
    /// <param name="biasInitializer">Initializer of the biases.</param>
    /// <param name="normalizeFirst">Normalize before each sub-block (pre-LN) instead of after (post-LN).</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, features), for the first layer of a model.</param>
    public TransformerEncoder(int intermediateDim, int numHeads, double dropout = 0, string? activation = "relu",
        double layerNormEpsilon = 1e-5, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        bool normalizeFirst = false, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        IntermediateDim = Check.Positive(intermediateDim, nameof(intermediateDim));
        NumHeads = Check.Positive(numHeads, nameof(numHeads));
        Dropout = Check.Fraction(dropout, nameof(dropout));
        Activation = Activations.Activations.Resolve(activation);
        LayerNormEpsilon = Check.Positive(layerNormEpsilon, nameof(layerNormEpsilon));
        KernelInitializer = Initializers.Resolve(kernelInitializer, nameof(kernelInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
        NormalizeFirst = normalizeFirst;
    }

    /// <summary>The width of the feed-forward network's hidden Dense layer (KerasHub's <c>intermediate_dim</c>).</summary>
    public int IntermediateDim { get; }
    /// <summary>The number of attention heads (KerasHub's <c>num_heads</c>); each head has features / NumHeads dimensions.</summary>
    public int NumHeads { get; }
    /// <summary>The dropout rate on the attention weights and after each sub-block (KerasHub's <c>dropout</c>, default 0).</summary>
    public double Dropout { get; }
    /// <summary>The activation name of the feed-forward hidden layer (KerasHub's <c>activation</c>, default <c>"relu"</c>).</summary>
    public string Activation { get; }
    /// <summary>The epsilon of both LayerNormalizations (KerasHub's <c>layer_norm_epsilon</c>, default 1e-5).</summary>
    public double LayerNormEpsilon { get; }
    /// <summary>The initializer name of the attention and dense kernels (KerasHub's <c>kernel_initializer</c>, default <c>"glorot_uniform"</c>).</summary>
    public string KernelInitializer { get; }
    /// <summary>The initializer name of the attention and dense biases (KerasHub's <c>bias_initializer</c>, default <c>"zeros"</c>).</summary>
    public string BiasInitializer { get; }
    /// <summary>Whether each sub-block is normalized before (pre-LN) rather than after the residual addition (KerasHub's <c>normalize_first</c>, default false).</summary>
    public bool NormalizeFirst { get; }

    /// <summary>The self-attention part (built with the block).</summary>
    public MultiHeadAttention Attention => _attention ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");

    /// <summary>The other parts, in the order the block applies them (for the ONNX export).</summary>
    internal (LayerNormalization AttentionNorm, Dense Intermediate, Dense Output, LayerNormalization FeedForwardNorm) Parts =>
        (_attentionNorm!, _intermediate!, _output!, _feedForwardNorm!);

    /// <inheritdoc/>
    public override bool SupportsMasking => true;
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        int features = inputShape[1];
        if (features % NumHeads != 0)
            throw new ArgumentException(
                $"Layer \"{Name}\": the input features ({features}) must be divisible by numHeads ({NumHeads}); each head gets features / numHeads.", nameof(inputShape));
        _attention = new MultiHeadAttention(NumHeads, features / NumHeads, dropout: Dropout,
            kernelInitializer: KernelInitializer, biasInitializer: BiasInitializer, name: Name + "/self_attention");
        _attention.Build(inputShape);
        _attentionNorm = Part(new LayerNormalization(epsilon: LayerNormEpsilon, name: Name + "/self_attention_layer_norm"), inputShape);
        _intermediate = Part(new Dense(IntermediateDim, Activation, kernelInitializer: KernelInitializer, biasInitializer: BiasInitializer,
            name: Name + "/feedforward_intermediate_dense"), inputShape);
        _output = Part(new Dense(features, kernelInitializer: KernelInitializer, biasInitializer: BiasInitializer, name: Name + "/feedforward_output_dense"),
            new Shape(inputShape[0], IntermediateDim));
        _feedForwardNorm = Part(new LayerNormalization(epsilon: LayerNormEpsilon, name: Name + "/feedforward_layer_norm"), inputShape);
        TrackLayer(_attention, "self_attention");
        TrackLayer(_attentionNorm, "self_attention_layer_norm");
        TrackLayer(_intermediate, "feedforward_intermediate_dense");
        TrackLayer(_output, "feedforward_output_dense");
        TrackLayer(_feedForwardNorm, "feedforward_layer_norm");
    }

    static T Part<T>(T layer, Shape inputShape) where T : Layer
    {
        layer.Build(inputShape);
        return layer;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(inputs, null, null, training);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training) => Call(inputs, mask, null, training);

    /// <summary>KerasHub's <c>call(inputs, padding_mask, attention_mask, training)</c>.</summary>
    /// <param name="inputs">[batch, steps, features].</param>
    /// <param name="paddingMask">Boolean [batch, steps], true for real steps; padded keys are not attended to.</param>
    /// <param name="attentionMask">Boolean [batch, steps, steps], true = may attend; combined with the padding mask.</param>
    /// <param name="training">Whether dropout is active.</param>
    public Tensor Call(Tensor inputs, Tensor? paddingMask, Tensor? attentionMask, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() != 3)
            throw new ArgumentException($"Layer \"{Name}\" expects [batch, steps, features]; received ({string.Join(", ", inputs.shape)}).", nameof(inputs));
        if (!Built) Build(new Shape((int)inputs.shape[1], (int)inputs.shape[2]));
        using var scope = NewDisposeScope();
        var x = FloatInputs(inputs);

        var residual = x;
        if (NormalizeFirst) x = _attentionNorm!.Call(x);
        x = _attention!.Call(x, x, attentionMask: attentionMask, training: training, valueMask: paddingMask);
        x = Drop(x, training) + residual;
        if (!NormalizeFirst) x = _attentionNorm!.Call(x);

        residual = x;
        if (NormalizeFirst) x = _feedForwardNorm!.Call(x);
        x = _output!.Call(_intermediate!.Call(x));
        x = Drop(x, training) + residual;
        if (!NormalizeFirst) x = _feedForwardNorm!.Call(x);
        return x.MoveToOuterDisposeScope();
    }

    Tensor Drop(Tensor x, bool training) => training && Dropout > 0 ? nn.functional.dropout(x, Dropout, training: true) : x;

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("intermediate_dim", IntermediateDim).Set("num_heads", NumHeads).Set("dropout", Dropout)
        .Set("activation", Activation).Set("layer_norm_epsilon", LayerNormEpsilon)
        .Set("kernel_initializer", KernelInitializer).Set("bias_initializer", BiasInitializer)
        .Set("normalize_first", NormalizeFirst);
}
