using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// A stateful metric, as in Keras: <see cref="UpdateState"/> accumulates over batches (on-tensor, without
/// synchronizing), <see cref="Result"/> reads the value, <see cref="ResetState"/> starts over.
/// Predictions are probabilities (after the model's final activation).
/// </summary>
/// <example><code>
/// var acc = new BinaryAccuracy();
/// acc.UpdateState(yTrue, yPred);
/// Console.WriteLine(acc.Result());
/// </code></example>
public abstract class Metric : IDisposable
{
    /// <summary>The name used in logs and History, e.g. "accuracy".</summary>
    public string Name { get; protected init; } = "";

    /// <summary>
    /// Accumulates one batch, each entry weighted by <paramref name="sampleWeight"/> when given (shape (batch,),
    /// (batch, 1) or a scalar, as Keras's <c>update_state(y_true, y_pred, sample_weight)</c>).
    /// </summary>
    public abstract void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null);

    /// <summary>Sample weights broadcast to <paramref name="values"/>'s shape (Keras's squeeze_or_expand_to_same_rank), or null.</summary>
    protected static Tensor? Broadcast(Tensor? sampleWeight, Tensor values)
    {
        if (sampleWeight is null) return null;
        var (v, w) = Losses.Loss.SameRank(values, sampleWeight.to(ScalarType.Float64, values.device));
        return w.broadcast_to(v.shape).reshape(values.shape);
    }
    /// <summary>The metric over everything accumulated since the last reset.</summary>
    public abstract double Result();
    /// <summary>Clears the accumulated state.</summary>
    public abstract void ResetState();

    /// <summary>
    /// The state tensors, as Keras's <c>metric.variables</c>: float64 counts and sums whose element-wise sum over runs on
    /// disjoint data is the state of one run on all of it (data-parallel training sums them over the ranks).
    /// </summary>
    public virtual IReadOnlyList<Tensor> Variables => Array.Empty<Tensor>();

    /// <summary>A state tensor, created as zeros of <paramref name="shape"/> when nothing was accumulated yet.</summary>
    protected static Tensor State(ref Tensor? state, params long[] shape) =>
        state ??= zeros(shape, ScalarType.Float64).DetachFromDisposeScope();

    /// <summary>Adds <paramref name="value"/> into an accumulator tensor, creating it (outside any dispose scope) on first use.</summary>
    protected static void Accumulate(ref Tensor? acc, Tensor value)
    {
        using var _ = no_grad();
        if (acc is null) { acc = value.detach().to(ScalarType.Float64).clone().DetachFromDisposeScope(); return; }
        acc.add_(value.detach());
    }

    /// <summary>Targets [batch] against predictions [batch, 1] get the trailing axis.</summary>
    protected static Tensor Align(Tensor yTrue, Tensor yPred) =>
        yTrue.dim() == yPred.dim() - 1 && yPred.shape[^1] == 1 ? yTrue.unsqueeze(-1) : yTrue;

    /// <summary>Releases accumulator tensors.</summary>
    public virtual void Dispose() { GC.SuppressFinalize(this); }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A metric that is a mean of per-element values (the accuracies).</summary>
public abstract class MeanMetricWrapper : Metric
{
    Tensor? _sum, _count;

    /// <summary>Per-sample values for a batch.</summary>
    protected abstract Tensor Values(Tensor yTrue, Tensor yPred);

    /// <summary>Keras's weighted mean: Σ value·weight / Σ weight (every value weighs 1 without weights).</summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var v = Values(yTrue, yPred).to(ScalarType.Float64);
        var w = Broadcast(sampleWeight, v);
        Accumulate(ref _sum, w is null ? v.sum() : (v * w).sum());
        if (w is null) State(ref _count).add_(v.numel());
        else Accumulate(ref _count, w.sum());
    }

    /// <inheritdoc/>
    public override double Result()
    {
        double count = _count?.item<double>() ?? 0;
        return count == 0 ? 0 : _sum!.item<double>() / count;
    }
    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Variables => [State(ref _sum), State(ref _count)];
    /// <inheritdoc/>
    public override void ResetState() { _sum?.Dispose(); _count?.Dispose(); _sum = _count = null; }
    /// <inheritdoc/>
    public override void Dispose() { ResetState(); base.Dispose(); }
}
