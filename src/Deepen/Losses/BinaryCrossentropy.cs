using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// Binary cross-entropy for targets in [0, 1], as Keras's "binary_crossentropy". With probabilities they are clipped
/// to [1e-7, 1 − 1e-7] like Keras; with logits (<c>fromLogits</c>, or automatically when the model ends in a sigmoid)
/// the stable log-sum-exp form is used. <c>labelSmoothing</c> moves targets towards 0.5: y·(1 − s) + s/2.
/// </summary>
/// <example><code>model.Compile("adam", new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1));</code></example>
public sealed class BinaryCrossentropy : Loss
{
    /// <summary>Keras's <c>keras.losses.BinaryCrossentropy</c>.</summary>
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0, int axis = -1, string? reduction = "sum_over_batch_size")
        : base(reduction)
    {
        FromLogits = fromLogits;
        LabelSmoothing = Check.Fraction(labelSmoothing, nameof(labelSmoothing), allowOne: true);
        Axis = axis;
    }

    /// <summary>How far targets move towards 0.5.</summary>
    public double LabelSmoothing { get; }
    /// <summary>The axis the mean is taken over.</summary>
    public int Axis { get; }
    /// <inheritdoc/>
    public override string Name => "binary_crossentropy";
    internal override string? LogitsActivation => "sigmoid";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        var y = LabelSmoothing > 0 ? yTrue * (1 - LabelSmoothing) + 0.5 * LabelSmoothing : yTrue;
        return Elementwise(y, yPred, fromLogits).mean(new long[] { Axis });
    }

    /// <summary>Keras's <c>ops.binary_crossentropy</c>: elementwise, clipped probabilities or stable logits.</summary>
    internal static Tensor Elementwise(Tensor y, Tensor yPred, bool fromLogits)
    {
        if (fromLogits) return nn.functional.binary_cross_entropy_with_logits(yPred, y, reduction: nn.Reduction.None);
        var p = yPred.clamp(Epsilon, 1 - Epsilon);
        return -(y * p.log() + (1 - y) * (1 - p).log());
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("from_logits", FromLogits).Set("label_smoothing", LabelSmoothing).Set("axis", Axis);

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor yTrue, Shape outputShape, string argument = "y")
    {
        base.ValidateTargets(yTrue, outputShape, argument);
        var (min, max) = Range(yTrue);
        if (min < 0 || max > 1)
            throw new ArgumentException(
                $"Invalid targets for loss \"{Name}\": argument `{argument}` holds values in [{min}, {max}], expected values in [0, 1] (0/1 labels or probabilities).", argument);
    }
}
