using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Mean of absolute differences over the last axis, as Keras's "mae" / "mean_absolute_error".</summary>
/// <example><code>model.Compile("adam", new MeanAbsoluteError());</code></example>
public sealed class MeanAbsoluteError : Loss
{
    public override string Name => "mean_absolute_error";
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) => (yPred - yTrue).abs().mean(new long[] { -1 });
}
