using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// Shared state of <see cref="Precision"/>, <see cref="Recall"/> and the count metrics: true/false positives and
/// negatives at one threshold over all elements, each weighted by its sample weight (Keras's
/// metrics_utils.update_confusion_matrix_variables; integer labels are one-hot encoded against multi-class
/// predictions). <c>topK</c> keeps only each row's k highest predictions (the others count as negative, and the
/// threshold defaults to −∞); <c>classId</c> looks at that class's column only.
/// </summary>
public abstract class ConfusionCounts : Metric
{
    Tensor? _tp, _fp, _tn, _fn;

    /// <summary>Stores the name and the options.</summary>
    protected ConfusionCounts(string name, double? threshold, int? topK = null, int? classId = null)
    {
        Name = name;
        TopK = topK is int k ? Utils.Check.Positive(k, nameof(topK)) : null;
        Threshold = threshold is double t ? Utils.Check.Fraction(t, "thresholds", allowOne: true) : topK is null ? 0.5 : double.NegativeInfinity;
        ClassId = classId;
    }

    /// <summary>Predictions above this count as positive.</summary>
    public double Threshold { get; }
    /// <summary>Only each row's k highest predictions can be positive, or null.</summary>
    public int? TopK { get; }
    /// <summary>The one class (column) measured, or null for all.</summary>
    public int? ClassId { get; }

    internal static Tensor Targets(Tensor yTrue, Tensor yPred)
    {
        if (yPred.shape[^1] > 1 && (yTrue.dim() == yPred.dim() - 1 || (yTrue.dim() == yPred.dim() && yTrue.shape[^1] == 1)))
        {
            var labels = (yTrue.dim() == yPred.dim() ? yTrue.squeeze(-1) : yTrue).to(ScalarType.Int64);
            return nn.functional.one_hot(labels, yPred.shape[^1]).to(ScalarType.Float32);
        }
        return Align(yTrue, yPred).to(ScalarType.Float32);
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var targets = Targets(yTrue, yPred);
        var scores = yPred;
        if (TopK is int k && k < yPred.shape[^1])
        {
            var kth = yPred.topk(k, -1).values.narrow(-1, k - 1, 1);
            scores = where(yPred >= kth, yPred, full_like(yPred, double.NegativeInfinity));
        }
        if (ClassId is int c)
        {
            targets = targets.narrow(-1, c, 1);
            scores = scores.narrow(-1, c, 1);
        }
        var positive = targets.gt(0.5);
        var predicted = scores.gt(Threshold);
        var w = Broadcast(sampleWeight, scores) ?? ones_like(scores, ScalarType.Float64);
        Accumulate(ref _tp, ((positive & predicted).to(ScalarType.Float64) * w).sum());
        Accumulate(ref _fp, ((predicted & ~positive).to(ScalarType.Float64) * w).sum());
        Accumulate(ref _tn, ((~predicted & ~positive).to(ScalarType.Float64) * w).sum());
        Accumulate(ref _fn, ((positive & ~predicted).to(ScalarType.Float64) * w).sum());
    }

    /// <summary>The weighted count of true positives.</summary>
    protected double TruePositiveCount => _tp?.item<double>() ?? 0;
    /// <summary>The weighted count of false positives.</summary>
    protected double FalsePositiveCount => _fp?.item<double>() ?? 0;
    /// <summary>The weighted count of true negatives.</summary>
    protected double TrueNegativeCount => _tn?.item<double>() ?? 0;
    /// <summary>The weighted count of false negatives.</summary>
    protected double FalseNegativeCount => _fn?.item<double>() ?? 0;

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Variables => [State(ref _tp), State(ref _fp), State(ref _tn), State(ref _fn)];

    /// <inheritdoc/>
    public override void ResetState()
    {
        _tp?.Dispose(); _fp?.Dispose(); _tn?.Dispose(); _fn?.Dispose();
        _tp = _fp = _tn = _fn = null;
    }

    /// <inheritdoc/>
    public override void Dispose() { ResetState(); base.Dispose(); }
}

/// <summary>TP / (TP + FP) at a threshold, as Keras's Precision (<c>thresholds</c>, <c>top_k</c>, <c>class_id</c>).</summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", ["accuracy", "precision"]);</code></example>
public sealed class Precision : ConfusionCounts
{
    /// <summary>Keras's <c>keras.metrics.Precision</c> with one threshold (0.5, or −∞ with <paramref name="topK"/>).</summary>
    public Precision(string name = "precision", double? threshold = null, int? topK = null, int? classId = null) : base(name, threshold, topK, classId) { }
    /// <inheritdoc/>
    public override double Result() { double tp = TruePositiveCount, d = tp + FalsePositiveCount; return d == 0 ? 0 : tp / d; }
}

/// <summary>TP / (TP + FN) at a threshold, as Keras's Recall (<c>thresholds</c>, <c>top_k</c>, <c>class_id</c>).</summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", ["accuracy", "recall"]);</code></example>
public sealed class Recall : ConfusionCounts
{
    /// <summary>Keras's <c>keras.metrics.Recall</c> with one threshold (0.5, or −∞ with <paramref name="topK"/>).</summary>
    public Recall(string name = "recall", double? threshold = null, int? topK = null, int? classId = null) : base(name, threshold, topK, classId) { }
    /// <inheritdoc/>
    public override double Result() { double tp = TruePositiveCount, d = tp + FalseNegativeCount; return d == 0 ? 0 : tp / d; }
}
