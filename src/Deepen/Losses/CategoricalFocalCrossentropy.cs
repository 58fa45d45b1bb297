using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// Keras's "categorical_focal_crossentropy": Σ α·(1 − p)^γ · (−y·log p) over the class axis, with p the
/// renormalized, clipped probabilities (softmax of logits with <c>fromLogits</c>).
/// </summary>
/// <example><code>model.Compile("adam", new CategoricalFocalCrossentropy(alpha: 0.25, gamma: 2.0));</code></example>
public sealed class CategoricalFocalCrossentropy : Loss
{
    /// <summary>Keras's <c>keras.losses.CategoricalFocalCrossentropy</c>.</summary>
    public CategoricalFocalCrossentropy(double alpha = 0.25, double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0,
        int axis = -1, string? reduction = "sum_over_batch_size") : base(reduction)
    {
        Alpha = Check.NonNegative(alpha, nameof(alpha));
        Gamma = Check.NonNegative(gamma, nameof(gamma));
        FromLogits = fromLogits;
        LabelSmoothing = Check.Fraction(labelSmoothing, nameof(labelSmoothing), allowOne: true);
        Axis = axis;
    }

    /// <summary>The weighting factor α.</summary>
    public double Alpha { get; }
    /// <summary>The focusing parameter γ.</summary>
    public double Gamma { get; }
    /// <summary>How far one-hot targets move towards the uniform distribution.</summary>
    public double LabelSmoothing { get; }
    /// <summary>The class axis.</summary>
    public int Axis { get; }
    /// <inheritdoc/>
    public override string Name => "categorical_focal_crossentropy";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        var y = LabelSmoothing > 0 ? yTrue * (1 - LabelSmoothing) + LabelSmoothing / yTrue.shape[^1] : yTrue;
        var p = fromLogits ? yPred.softmax(Axis) : yPred;
        var output = (p / p.sum(Axis, keepdim: true)).clamp(Epsilon, 1 - Epsilon);
        return ((1 - output).pow(Gamma) * Alpha * (-y * output.log())).sum(Axis);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("alpha", Alpha).Set("gamma", Gamma)
        .Set("from_logits", FromLogits).Set("label_smoothing", LabelSmoothing).Set("axis", Axis);
}
