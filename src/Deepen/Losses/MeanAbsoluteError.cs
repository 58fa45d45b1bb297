using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Mean of absolute differences over the last axis, as Keras's "mae" / "mean_absolute_error".</summary>
/// <example><code>model.Compile("adam", new MeanAbsoluteError());</code></example>
public sealed class MeanAbsoluteError : Loss
{
    /// <summary>Keras's <c>keras.losses.MeanAbsoluteError</c>.</summary>
    public MeanAbsoluteError(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "mean_absolute_error";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        (yPred - yTrue).abs().mean(new long[] { -1 });
}
