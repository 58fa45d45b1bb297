using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// Keras's "binary_focal_crossentropy" (Lin et al., 2018): the binary cross-entropy of each entry times
/// (1 − p_t)^γ, where p_t is the probability given to the true label; with <c>applyClassBalancing</c> also times
/// α for positives and 1 − α for negatives. Mean over the last axis.
/// </summary>
/// <example><code>model.Compile("adam", new BinaryFocalCrossentropy(gamma: 2.0, fromLogits: true));</code></example>
public sealed class BinaryFocalCrossentropy : Loss
{
    /// <summary>Keras's <c>keras.losses.BinaryFocalCrossentropy</c>.</summary>
    public BinaryFocalCrossentropy(bool applyClassBalancing = false, double alpha = 0.25, double gamma = 2.0, bool fromLogits = false,
        double labelSmoothing = 0, int axis = -1, string? reduction = "sum_over_batch_size") : base(reduction)
    {
        ApplyClassBalancing = applyClassBalancing;
        Alpha = Check.Fraction(alpha, nameof(alpha), allowOne: true);
        Gamma = Check.NonNegative(gamma, nameof(gamma));
        FromLogits = fromLogits;
        LabelSmoothing = Check.Fraction(labelSmoothing, nameof(labelSmoothing), allowOne: true);
        Axis = axis;
    }

    /// <summary>Whether positives are weighted by α and negatives by 1 − α.</summary>
    public bool ApplyClassBalancing { get; }
    /// <summary>The class-balancing weight of positives.</summary>
    public double Alpha { get; }
    /// <summary>The focusing parameter γ.</summary>
    public double Gamma { get; }
    /// <summary>How far targets move towards 0.5.</summary>
    public double LabelSmoothing { get; }
    /// <summary>The axis the mean is taken over.</summary>
    public int Axis { get; }
    /// <inheritdoc/>
    public override string Name => "binary_focal_crossentropy";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        var y = LabelSmoothing > 0 ? yTrue * (1 - LabelSmoothing) + 0.5 * LabelSmoothing : yTrue;
        var p = fromLogits ? yPred.sigmoid() : yPred;
        var bce = BinaryCrossentropy.Elementwise(y, p, false);
        var pt = y * p + (1 - y) * (1 - p);
        var focal = (1 - pt).pow(Gamma) * bce;
        if (ApplyClassBalancing) focal = (y * Alpha + (1 - y) * (1 - Alpha)) * focal;
        return focal.mean(new long[] { Axis });
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("apply_class_balancing", ApplyClassBalancing).Set("alpha", Alpha)
        .Set("gamma", Gamma).Set("from_logits", FromLogits).Set("label_smoothing", LabelSmoothing).Set("axis", Axis);
}
