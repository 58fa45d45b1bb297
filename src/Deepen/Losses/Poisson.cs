using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's "poisson": mean(ŷ − y · log(ŷ + 1e-7)) over the last axis.</summary>
/// <example><code>model.Compile("adam", new Poisson());</code></example>
public sealed class Poisson : Loss
{
    /// <summary>Keras's <c>keras.losses.Poisson</c>.</summary>
    public Poisson(string? reduction = "sum_over_batch_size") : base(reduction)
    {

    }

    /// <inheritdoc/>
    public override string Name => "poisson";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        (yPred - yTrue * (yPred + Epsilon).log()).mean(new long[] { -1 });
}
