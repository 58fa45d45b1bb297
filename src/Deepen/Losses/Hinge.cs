using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "hinge": mean(max(1 − y·ŷ, 0)) over the last axis; 0/1 targets are first mapped to −1/1.</summary>
/// <example><code>model.Compile("adam", new Hinge());</code></example>
public sealed class Hinge : Loss
{
    /// <summary>Keras's <c>keras.losses.Hinge</c>.</summary>
    public Hinge(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "hinge";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        (1 - HingeTargets.Signed(yTrue) * yPred).clamp_min(0).mean(new long[] { -1 });
}
