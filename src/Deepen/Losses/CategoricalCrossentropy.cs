using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// Cross-entropy for one-hot (or soft) targets over the last axis, as Keras's "categorical_crossentropy".
/// Probabilities are renormalized and clipped like Keras; logits use a stable log-softmax (automatic when the
/// model ends in a softmax). <c>labelSmoothing</c> s gives targets y·(1 − s) + s/classes, as Keras.
/// </summary>
/// <example><code>model.Compile("adam", new CategoricalCrossentropy(labelSmoothing: 0.1), ["accuracy"]);</code></example>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Keras's <c>keras.losses.CategoricalCrossentropy</c>.</summary>
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0, int axis = -1, string? reduction = "sum_over_batch_size")
        : base(reduction)
    {
        FromLogits = fromLogits;
        LabelSmoothing = Utils.Check.Fraction(labelSmoothing, nameof(labelSmoothing), allowOne: true);
        Axis = axis;
    }

    /// <summary>How far one-hot targets move towards the uniform distribution.</summary>
    public double LabelSmoothing { get; }
    /// <summary>The class axis.</summary>
    public int Axis { get; }
    /// <inheritdoc/>
    public override string Name => "categorical_crossentropy";
    internal override string? LogitsActivation => "softmax";

    /// <inheritdoc/>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        var y = LabelSmoothing > 0 ? yTrue * (1 - LabelSmoothing) + LabelSmoothing / yTrue.shape[^1] : yTrue;
        var logp = fromLogits
            ? yPred.log_softmax(Axis)
            : (yPred / yPred.sum(Axis, keepdim: true)).clamp(Epsilon, 1 - Epsilon).log();
        return -(y * logp).sum(Axis);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("from_logits", FromLogits).Set("label_smoothing", LabelSmoothing).Set("axis", Axis);

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor yTrue, Shape outputShape, string argument = "y")
    {
        var expected = outputShape.WithBatch(yTrue.shape[0]);
        if (!yTrue.shape.SequenceEqual(expected))
        {
            string hint = yTrue.dim() == 1 || (yTrue.dim() == 2 && yTrue.shape[1] == 1)
                ? " These look like integer class labels: use \"sparse_categorical_crossentropy\", or one-hot encode them." : "";
            throw new ArgumentException(
                $"Invalid targets for loss \"{Name}\": argument `{argument}` has shape {ShapeText(yTrue.shape)}, expected one-hot targets of shape {ShapeText(expected)}.{hint}", argument);
        }
        var (min, max) = Range(yTrue);
        if (min < 0 || max > 1)
            throw new ArgumentException(
                $"Invalid targets for loss \"{Name}\": argument `{argument}` holds values in [{min}, {max}], expected one-hot rows with values in [0, 1].", argument);
    }
}
