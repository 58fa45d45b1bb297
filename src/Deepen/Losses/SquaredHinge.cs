using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "squared_hinge": mean(max(1 − y·ŷ, 0)²) over the last axis; 0/1 targets are first mapped to −1/1.</summary>
/// <example><code>model.Compile("adam", new SquaredHinge());</code></example>
public sealed class SquaredHinge : Loss
{
    /// <summary>Keras's <c>keras.losses.SquaredHinge</c>.</summary>
    public SquaredHinge(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "squared_hinge";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        (1 - HingeTargets.Signed(yTrue) * yPred).clamp_min(0).square().mean(new long[] { -1 });
}
