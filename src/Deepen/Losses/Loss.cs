using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>
/// The base of every loss, as Keras's <c>Loss</c> (keras/src/losses/loss.py): the loss function gives one value per
/// sample (or per sample and timestep: the last axis is reduced), optional sample weights of shape (batch,),
/// (batch, 1) or (batch, timesteps) multiply them after Keras's <c>squeeze_or_expand_to_same_rank</c>, and
/// <see cref="Reduction"/> turns them into the result: "sum_over_batch_size" (the default: sum / number of values),
/// "sum", "mean_with_sample_weight" (sum / sum of weights) or "none" (the weighted values).
/// </summary>
/// <example><code>
/// var loss = new BinaryCrossentropy();
/// Tensor value = loss.Call(yTrue, yPred);   // a scalar
/// </code></example>
public abstract class Loss
{
    static readonly string[] Reductions = { "sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none" };

    /// <summary>The Keras name, e.g. "binary_crossentropy".</summary>
    public abstract string Name { get; }

    /// <summary>Whether <c>yPred</c> holds logits rather than probabilities.</summary>
    public bool FromLogits { get; protected init; }

    /// <summary>How values are reduced: "sum_over_batch_size" (default), "sum", "mean", "mean_with_sample_weight" or "none".</summary>
    public string Reduction { get; private init; } = "sum_over_batch_size";

    /// <summary>Keras's <c>standardize_reduction</c>: null means "none".</summary>
    protected static string CheckReduction(string? reduction) =>
        reduction is null ? "none" : Reductions.Contains(reduction) ? reduction
            : throw new ArgumentException($"Invalid value for argument `reduction`. Expected one of {{{string.Join(", ", Reductions.Select(r => $"'{r}'"))}, null}}. Received: reduction={Check.Format(reduction)}", nameof(reduction));

    /// <summary>Sets the reduction (for subclass constructors).</summary>
    protected Loss(string? reduction = "sum_over_batch_size") => Reduction = CheckReduction(reduction);

    /// <summary>The activation whose logits this loss can take directly (sigmoid or softmax), if any.</summary>
    internal virtual string? LogitsActivation => null;

    /// <summary>The loss, reduced as <see cref="Reduction"/> says (a scalar, or one value per sample for "none").</summary>
    public Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var scope = NewDisposeScope();
        return Reduce(yTrue, yPred, FromLogits, sampleWeight, Reduction).MoveToOuterDisposeScope();
    }

    /// <summary>The scalar that training minimizes and evaluation reports ("none" cannot give one).</summary>
    internal Tensor Compute(Tensor yTrue, Tensor yPred, bool fromLogits, Tensor? sampleWeight)
    {
        if (Reduction == "none")
            throw new InvalidOperationException($"Loss \"{Name}\" has reduction \"none\", which gives one value per sample; Fit and Evaluate need a scalar. Use \"sum_over_batch_size\" (Keras's default) or \"sum\".");
        using var scope = NewDisposeScope();
        return Reduce(yTrue, yPred, fromLogits, sampleWeight, Reduction).MoveToOuterDisposeScope();
    }

    Tensor Reduce(Tensor yTrue, Tensor yPred, bool fromLogits, Tensor? sampleWeight, string reduction)
    {
        var aligned = AlignTargets(yTrue, yPred);
        var values = PerSample(aligned, yPred, fromLogits);
        var weight = sampleWeight?.to(values.dtype, values.device);
        if (Mask(aligned, values) is Tensor mask)
        {
            // Keras's apply_mask: with a mean reduction valid entries weigh total/valid, masked ones 0.
            var m = mask.to(values.dtype);
            if (reduction is "mean" or "sum_over_batch_size") m = m * (m.numel() / (m.sum() + 1e-7));
            if (weight is not null) (m, weight) = SameRank(m, weight);
            weight = weight is null ? m : weight * m;
        }
        if (weight is not null)
        {
            (values, weight) = SameRank(values, weight);
            values = values * weight;
        }
        if (reduction == "none" || values.dim() == 0) return values;
        var sum = values.sum();
        return reduction switch
        {
            "sum" => sum,
            "mean_with_sample_weight" when weight is not null => DivideNoNan(sum, weight.sum()),
            _ => DivideNoNan(sum, values.numel()),
        };
    }

    static Tensor DivideNoNan(Tensor sum, Tensor divisor) => where(divisor == 0, zeros_like(sum), sum / divisor);
    static Tensor DivideNoNan(Tensor sum, long count) => count == 0 ? zeros_like(sum) : sum / count;

    /// <summary>
    /// Keras's <c>squeeze_or_expand_to_same_rank</c>: a trailing axis of 1 is dropped (or a rank-1 tensor expanded) so
    /// (batch, 1) weights meet (batch,) values without broadcasting to (batch, batch). Beyond Keras, (batch,) weights
    /// against (batch, timesteps…) values get trailing axes, weighting every timestep of a sample alike.
    /// </summary>
    internal static (Tensor X1, Tensor X2) SameRank(Tensor x1, Tensor x2)
    {
        long r1 = x1.dim(), r2 = x2.dim();
        if (r1 == r2 || r1 == 0 || r2 == 0) return (x1, x2);
        if (r1 == r2 + 1 && x1.shape[^1] == 1) return r2 == 1 ? (x1, x2.unsqueeze(-1)) : (x1.squeeze(-1), x2);
        if (r2 == r1 + 1 && x2.shape[^1] == 1) return r1 == 1 ? (x1.unsqueeze(-1), x2) : (x1, x2.squeeze(-1));
        if (r2 == 1 && r1 > 1 && x2.shape[0] == x1.shape[0]) return (x1, x2.reshape(new long[] { x2.shape[0] }.Concat(Enumerable.Repeat(1L, (int)r1 - 1)).ToArray()));
        return (x1, x2);
    }

    /// <summary>A mask of the values that count (e.g. <c>ignore_class</c>), or null when all do.</summary>
    protected virtual Tensor? Mask(Tensor yTrue, Tensor values) => null;

    /// <summary>The hyper-parameters, for saving (Keras's <c>get_config()</c>).</summary>
    public virtual LayerConfig GetConfig() => new LayerConfig().Set("name", Name).Set("reduction", Reduction);

    /// <summary>Per-sample losses (shape [batch] or [batch, …]) for aligned targets.</summary>
    protected abstract Tensor PerSample(Tensor yTrue, Tensor yPred, bool fromLogits);

    /// <summary>The loss of each sample, shape [batch] (the mean over the other axes, as Keras reduces them), unweighted.</summary>
    internal Tensor PerSampleLosses(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        using var scope = NewDisposeScope();
        var perSample = PerSample(AlignTargets(yTrue, yPred), yPred, fromLogits);
        if (perSample.dim() > 1) perSample = perSample.flatten(1).mean(new long[] { 1 });
        return perSample.MoveToOuterDisposeScope();
    }

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
