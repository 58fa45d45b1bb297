using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "categorical_hinge": max(max((1 − y)·ŷ) − Σ y·ŷ + 1, 0) over the last axis.</summary>
/// <example><code>model.Compile("adam", new CategoricalHinge());</code></example>
public sealed class CategoricalHinge : Loss
{
    /// <summary>Keras's <c>keras.losses.CategoricalHinge</c>.</summary>
    public CategoricalHinge(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "categorical_hinge";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        ((1 - yTrue) * yPred).amax(new long[] { -1 }).sub((yTrue * yPred).sum(-1)).add(1).clamp_min(0);
}
