using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "kl_divergence": Σ y · log(y / ŷ) over the last axis, both clipped to [1e-7, 1].</summary>
/// <example><code>model.Compile("adam", new KLDivergence());</code></example>
public sealed class KLDivergence : Loss
{
    /// <summary>Keras's <c>keras.losses.KLDivergence</c>.</summary>
    public KLDivergence(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "kl_divergence";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        KL(yTrue.clamp(Epsilon, 1), yPred.clamp(Epsilon, 1));

    static Tensor KL(Tensor y, Tensor p) => (y * (y / p).log()).sum(-1);
}
