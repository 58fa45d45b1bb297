using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "cosine_similarity": −Σ ŷ·y / (‖ŷ‖·‖y‖) along <c>axis</c> (−1 for identical directions, 1 for opposite).</summary>
/// <example><code>model.Compile("adam", new CosineSimilarity(axis: -1));</code></example>
public sealed class CosineSimilarity : Loss
{
    /// <summary>Keras's <c>keras.losses.CosineSimilarity</c>.</summary>
    public CosineSimilarity(int axis = -1, string? reduction = "sum_over_batch_size") : base(reduction)
    {
        Axis = axis;
    }

    /// <summary>The axis along which the similarity is computed.</summary>
    public int Axis { get; }

    // Keras's l2_normalize: x / sqrt(max(Σx², 1e-12)).
    Tensor L2Normalize(Tensor x) => x / x.square().sum(Axis, keepdim: true).clamp_min(1e-12).sqrt();

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("axis", Axis);

    /// <inheritdoc/>
    public override string Name => "cosine_similarity";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        -(L2Normalize(yTrue) * L2Normalize(yPred)).sum(Axis);
}
