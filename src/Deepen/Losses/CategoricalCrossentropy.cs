using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// Cross-entropy for one-hot (or soft) targets over the last axis, as Keras's "categorical_crossentropy".
/// Probabilities are renormalized and clipped like Keras; logits use a stable log-softmax (automatic when the
/// model ends in a softmax).
/// </summary>
/// <example><code>model.Compile("adam", "categorical_crossentropy", ["accuracy"]);</code></example>
public sealed class CategoricalCrossentropy : Loss
{
    /// <param name="fromLogits">Whether predictions are logits.</param>
    public CategoricalCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    public override string Name => "categorical_crossentropy";
    internal override string? LogitsActivation => "softmax";

    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        var logp = fromLogits
            ? yPred.log_softmax(-1)
            : (yPred / yPred.sum(-1, keepdim: true)).clamp(Epsilon, 1 - Epsilon).log();
        return -(yTrue * logp).sum(-1);
    }

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
