using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// The base of every loss. <see cref="Call"/> follows Keras: per-sample losses (the mean over the last axis),
/// multiplied by optional sample weights, summed and divided by the batch size ("sum_over_batch_size").
/// </summary>
/// <example><code>
/// var loss = new BinaryCrossentropy();
/// Tensor value = loss.Call(yTrue, yPred);   // a scalar
/// </code></example>
public abstract class Loss
{
    /// <summary>The Keras name, e.g. "binary_crossentropy".</summary>
    public abstract string Name { get; }

    /// <summary>Whether <c>yPred</c> holds logits rather than probabilities.</summary>
    public bool FromLogits { get; protected init; }

    /// <summary>The activation whose logits this loss can take directly (sigmoid or softmax), if any.</summary>
    internal virtual string? LogitsActivation => null;

    /// <summary>The mean loss over the batch.</summary>
    public Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) =>
        Compute(yTrue, yPred, FromLogits, sampleWeight);

    internal Tensor Compute(Tensor yTrue, Tensor yPred, bool fromLogits, Tensor? sampleWeight)
    {
        using var scope = NewDisposeScope();
        var perSample = PerSample(AlignTargets(yTrue, yPred), yPred, fromLogits);
        if (perSample.dim() > 1) perSample = perSample.flatten(1).mean(new long[] { 1 });
        var total = sampleWeight is null ? perSample.mean() : (perSample * sampleWeight.to(perSample.dtype)).sum() / perSample.shape[0];
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>The loss of each sample, shape [batch] (the mean over the other axes, as Keras reduces them), unweighted.</summary>
    internal Tensor PerSampleLosses(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        using var scope = NewDisposeScope();
        var perSample = PerSample(AlignTargets(yTrue, yPred), yPred, fromLogits);
        if (perSample.dim() > 1) perSample = perSample.flatten(1).mean(new long[] { 1 });
        return perSample.MoveToOuterDisposeScope();
    }

    /// <summary>Per-sample losses (shape [batch] or [batch, …]) for aligned targets.</summary>
    protected abstract Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits);

    /// <summary>Targets of shape [batch] against predictions [batch, 1] get the trailing axis, as Keras does.</summary>
    protected virtual Tensor AlignTargets(Tensor yTrue, Tensor yPred)
    {
        var y = yTrue.dim() == yPred.dim() - 1 && yPred.shape[^1] == 1 ? yTrue.unsqueeze(-1) : yTrue;
        return y.dtype == yPred.dtype ? y : y.to(yPred.dtype);
    }

    /// <summary>
    /// Checks once, before training, that targets suit this loss and a model output of shape
    /// <paramref name="outputShape"/>; throws with a message naming what is wrong.
    /// </summary>
    public virtual void ValidateTargets(Tensor yTrue, Shape outputShape, string argument = "y")
    {
        var expected = outputShape.WithBatch(yTrue.shape[0]);
        bool same = yTrue.shape.SequenceEqual(expected);
        bool squeezed = outputShape[-1] == 1 && yTrue.shape.SequenceEqual(expected[..^1]);
        if (!same && !squeezed)
            throw new ArgumentException(
                $"Invalid targets for loss \"{Name}\": argument `{argument}` has shape {ShapeText(yTrue.shape)}, expected {ShapeText(expected)} to match the model's output {outputShape.ToBatchString()}.", argument);
    }

    internal static string ShapeText(long[] shape) => "(" + string.Join(", ", shape) + ")";

    internal static (double Min, double Max) Range(Tensor t)
    {
        using var scope = NewDisposeScope();
        var f = t.to(ScalarType.Float64);
        return (f.min().item<double>(), f.max().item<double>());
    }

    /// <summary>Keras's fuzz factor for clipping probabilities.</summary>
    protected const double Epsilon = 1e-7;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
