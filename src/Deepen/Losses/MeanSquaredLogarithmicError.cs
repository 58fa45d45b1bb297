using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "msle": mean((log(max(ŷ, 1e-7) + 1) − log(max(y, 1e-7) + 1))²) over the last axis.</summary>
/// <example><code>model.Compile("adam", new MeanSquaredLogarithmicError());</code></example>
public sealed class MeanSquaredLogarithmicError : Loss
{
    /// <summary>Keras's <c>keras.losses.MeanSquaredLogarithmicError</c>.</summary>
    public MeanSquaredLogarithmicError(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "mean_squared_logarithmic_error";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        ((yPred.clamp_min(Epsilon) + 1).log() - (yTrue.clamp_min(Epsilon) + 1).log()).square().mean(new long[] { -1 });
}
