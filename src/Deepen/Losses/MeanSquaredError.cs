using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Mean of squared differences over the last axis, as Keras's "mse" / "mean_squared_error".</summary>
/// <example><code>model.Compile("sgd", new MeanSquaredError());</code></example>
public sealed class MeanSquaredError : Loss
{
    /// <summary>Keras's <c>keras.losses.MeanSquaredError</c>.</summary>
    public MeanSquaredError(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "mean_squared_error";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        (yPred - yTrue).square().mean(new long[] { -1 });
}
