using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Mean of squared differences over the last axis, as Keras's "mse" / "mean_squared_error".</summary>
/// <example><code>model.Compile("sgd", new MeanSquaredError());</code></example>
public sealed class MeanSquaredError : Loss
{
    public override string Name => "mean_squared_error";
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) => (yPred - yTrue).square().mean(new long[] { -1 });
}
