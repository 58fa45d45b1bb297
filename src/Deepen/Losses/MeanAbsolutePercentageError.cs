using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "mape": 100 · mean(|y − ŷ| / max(|y|, 1e-7)) over the last axis.</summary>
/// <example><code>model.Compile("adam", new MeanAbsolutePercentageError());</code></example>
public sealed class MeanAbsolutePercentageError : Loss
{
    /// <summary>Keras's <c>keras.losses.MeanAbsolutePercentageError</c>.</summary>
    public MeanAbsolutePercentageError(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "mean_absolute_percentage_error";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        ((yTrue - yPred) / yTrue.abs().clamp_min(Epsilon)).abs().mean(new long[] { -1 }) * 100;
}
