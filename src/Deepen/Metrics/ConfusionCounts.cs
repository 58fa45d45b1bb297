using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// Shared state of <see cref="Precision"/> and <see cref="Recall"/>: true/false positives and false negatives at
/// one threshold over all elements (Keras's semantics; integer labels are one-hot encoded against multi-class
/// predictions).
/// </summary>
public abstract class ConfusionCounts : Metric
{
    Tensor? _tp, _fp, _fn;

    protected ConfusionCounts(string name, double threshold) { Name = name; Threshold = threshold; }
    public double Threshold { get; }

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
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var positive = Targets(yTrue, yPred).gt(0.5);
        var predicted = yPred.gt(Threshold);
        Accumulate(ref _tp, (positive & predicted).sum());
        Accumulate(ref _fp, (predicted & ~positive).sum());
        Accumulate(ref _fn, (positive & ~predicted).sum());
    }

    protected double TruePositives => _tp?.item<double>() ?? 0;
    protected double FalsePositives => _fp?.item<double>() ?? 0;
    protected double FalseNegatives => _fn?.item<double>() ?? 0;

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Variables => [State(ref _tp), State(ref _fp), State(ref _fn)];

    /// <inheritdoc/>
    public override void ResetState()
    {
        _tp?.Dispose(); _fp?.Dispose(); _fn?.Dispose();
        _tp = _fp = _fn = null;
    }

    /// <inheritdoc/>
    public override void Dispose() { ResetState(); base.Dispose(); }
}

/// <summary>TP / (TP + FP) at a threshold, as Keras's Precision.</summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", ["accuracy", "precision"]);</code></example>
public sealed class Precision : ConfusionCounts
{
    public Precision(string name = "precision", double threshold = 0.5) : base(name, threshold) { }
    public override double Result() { double tp = TruePositives, d = tp + FalsePositives; return d == 0 ? 0 : tp / d; }
}

/// <summary>TP / (TP + FN) at a threshold, as Keras's Recall.</summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", ["accuracy", "recall"]);</code></example>
public sealed class Recall : ConfusionCounts
{
    public Recall(string name = "recall", double threshold = 0.5) : base(name, threshold) { }
    public override double Result() { double tp = TruePositives, d = tp + FalseNegatives; return d == 0 ? 0 : tp / d; }
}
