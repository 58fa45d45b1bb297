using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's Huber loss: mean of ½e² where |e| ≤ δ and δ|e| − ½δ² elsewhere, over the last axis (e = ŷ − y).</summary>
/// <example><code>model.Compile("adam", new Huber(delta: 1.0));</code></example>
public sealed class Huber : Loss
{
    /// <summary>Keras's <c>keras.losses.Huber</c>.</summary>
    public Huber(double delta = 1.0, string? reduction = "sum_over_batch_size") : base(reduction)
    {
        Delta = Utils.Check.Positive(delta, nameof(delta));
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; }

    Tensor HuberOf(Tensor e)
    {
        var a = e.abs();
        return where(a <= Delta, 0.5 * e.square(), Delta * a - 0.5 * Delta * Delta);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("delta", Delta);

    /// <inheritdoc/>
    public override string Name => "huber_loss";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits) =>
        HuberOf(yPred - yTrue).mean(new long[] { -1 });
}
