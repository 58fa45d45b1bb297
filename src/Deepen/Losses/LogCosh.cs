using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "log_cosh": mean(log(cosh(ŷ − y))) over the last axis, computed as x + softplus(−2x) − log 2.</summary>
/// <example><code>model.Compile("adam", new LogCosh());</code></example>
public sealed class LogCosh : Loss
{
    /// <summary>Keras's <c>keras.losses.LogCosh</c>.</summary>
    public LogCosh(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "log_cosh";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        LogCoshOf(yPred - yTrue).mean(new long[] { -1 });

    static Tensor LogCoshOf(Tensor x) => x + nn.functional.softplus(-2 * x) - Math.Log(2);
}
