using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// Binary cross-entropy for targets in [0, 1], as Keras's "binary_crossentropy". With probabilities they are clipped
/// to [1e-7, 1 − 1e-7] like Keras; with logits (<c>fromLogits</c>, or automatically when the model ends in a sigmoid)
/// the stable log-sum-exp form is used.
/// </summary>
/// <example><code>model.Compile("adam", new BinaryCrossentropy(fromLogits: true));</code></example>
public sealed class BinaryCrossentropy : Loss
{
    /// <param name="fromLogits">Whether predictions are logits.</param>
    public BinaryCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    public override string Name => "binary_crossentropy";
    internal override string? LogitsActivation => "sigmoid";

    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        if (fromLogits)
            return nn.functional.binary_cross_entropy_with_logits(yPred, yTrue, reduction: nn.Reduction.None).mean(new long[] { -1 });
        var p = yPred.clamp(Epsilon, 1 - Epsilon);
        return -(yTrue * p.log() + (1 - yTrue) * (1 - p).log()).mean(new long[] { -1 });
    }

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
