using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// Cross-entropy for integer class labels, as Keras's "sparse_categorical_crossentropy": targets of shape
/// [batch] or [batch, 1] holding 0 … classes − 1. With <c>ignoreClass</c>, targets of that value count neither in
/// the sum nor in the mean (Keras masks them: the mean is over the other entries).
/// </summary>
/// <example><code>model.Compile("adam", new SparseCategoricalCrossentropy(ignoreClass: 0), ["accuracy"]);</code></example>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Keras's <c>keras.losses.SparseCategoricalCrossentropy</c>.</summary>
    public SparseCategoricalCrossentropy(bool fromLogits = false, int? ignoreClass = null, string? reduction = "sum_over_batch_size")
        : base(reduction)
    {
        FromLogits = fromLogits;
        IgnoreClass = ignoreClass;
    }

    /// <summary>A target value whose entries are left out of the loss, or null.</summary>
    public int? IgnoreClass { get; }
    /// <inheritdoc/>
    public override string Name => "sparse_categorical_crossentropy";

    /// <inheritdoc/>
    protected override Tensor? Mask(Tensor yTrue, Tensor values) => IgnoreClass is int c ? yTrue.ne(c).reshape(values.shape) : null;

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("from_logits", FromLogits).Set("ignore_class", IgnoreClass);
    internal override string? LogitsActivation => "softmax";

    /// <summary>Drops a trailing axis of length 1 from the labels ([batch, 1] → [batch]) and casts them to int64.</summary>
    protected override Tensor AlignTargets(Tensor yTrue, Tensor yPred)
    {
        var y = yTrue.dim() == yPred.dim() ? yTrue.squeeze(-1) : yTrue;
        return y.dtype == ScalarType.Int64 ? y : y.to(ScalarType.Int64);
    }

    /// <summary>
    /// The negative log-probability of each label: <c>log_softmax</c> of logits, or the log of the predictions renormalized
    /// to sum to 1 and clipped to [epsilon, 1 − epsilon], as Keras does; entries labelled <see cref="IgnoreClass"/> get 0.
    /// </summary>
    protected override Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        var logp = fromLogits
            ? yPred.log_softmax(-1)
            : (yPred / yPred.sum(-1, keepdim: true)).clamp(Epsilon, 1 - Epsilon).log();
        var labels = IgnoreClass is int c ? yTrue.masked_fill(yTrue.eq(c), 0) : yTrue;   // Keras zeroes ignored labels first
        var nll = -logp.gather(-1, labels.unsqueeze(-1)).squeeze(-1);
        return IgnoreClass is int ignored ? nll.masked_fill(yTrue.eq(ignored), 0) : nll;
    }

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor yTrue, Shape outputShape, string argument = "y")
    {
        long classes = outputShape[-1];
        var expected = outputShape.WithBatch(yTrue.shape[0])[..^1];
        bool ok = yTrue.shape.SequenceEqual(expected) || yTrue.shape.SequenceEqual(expected.Append(1));
        if (!ok)
            throw new ArgumentException(
                $"Invalid targets for loss \"{Name}\": argument `{argument}` has shape {ShapeText(yTrue.shape)}, expected integer labels of shape {ShapeText(expected)}." +
                (yTrue.shape.SequenceEqual(outputShape.WithBatch(yTrue.shape[0])) ? " These look one-hot encoded: use \"categorical_crossentropy\"." : ""), argument);
        if (yTrue.is_floating_point())
        {
            using var frac = (yTrue - yTrue.round()).abs().max();
            if (frac.item<float>() > 0)
                throw new ArgumentException($"Invalid targets for loss \"{Name}\": argument `{argument}` holds non-integer values, expected class indices 0 … {classes - 1}.", argument);
        }
        var (min, max) = Range(yTrue);
        if ((min < 0 || max >= classes) && IgnoreClass is null)
            throw new ArgumentException(
                $"Invalid targets for loss \"{Name}\": argument `{argument}` holds labels in [{min}, {max}], expected class indices in [0, {classes - 1}] for a model with {classes} outputs.", argument);
    }
}
