using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// The F-beta score, as Keras's <c>keras.metrics.FBetaScore</c> (keras/src/metrics/f_score_metrics.py): per class
/// (column), true positives, false positives and false negatives are counted, each weighted by its sample weight;
/// then precision = TP / (TP + FP + ε), recall = TP / (TP + FN + ε) and
/// F = (1 + β²)·precision·recall / (β²·precision + recall + ε), with Keras's ε = 1e-7. <c>threshold</c>: predictions
/// above it count as positive; without one, each row's largest (non-zero) prediction does. <c>average</c>: null (one
/// score per class, <see cref="Results"/>), "micro" (counts summed over classes), "macro" (mean of the per-class scores)
/// or "weighted" (mean weighted by each class's number of true instances).
/// Targets are one-hot or multi-hot (batch, classes); integer labels (batch,) are one-hot encoded against the
/// predictions' classes. Deepen difference: <see cref="Result"/> is one number, so with <c>average: null</c> it
/// returns the mean of the per-class scores (the value logs and History show); <see cref="Results"/> has each class's.
/// </summary>
/// <example><code>
/// var f = new FBetaScore(average: "macro", beta: 2.0, threshold: 0.5);
/// f.UpdateState(yTrue, yPred);
/// double score = f.Result();
/// </code></example>
public class FBetaScore : Metric
{
    Tensor? _tp, _fp, _fn, _support;
    static readonly string?[] Averages = { null, "micro", "macro", "weighted" };
    const double Epsilon = 1e-7;                                        // keras.backend.epsilon()

    /// <summary>Keras's <c>FBetaScore(average=None, beta=1.0, threshold=None, name="fbeta_score")</c>.</summary>
    /// <param name="average">null, "micro", "macro" or "weighted".</param>
    /// <param name="beta">The weight of recall against precision; greater than 0.</param>
    /// <param name="threshold">Predictions above it are positive (0 &lt; threshold ≤ 1); null: each row's arg-max.</param>
    /// <param name="name">The metric's name in logs.</param>
    public FBetaScore(string? average = null, double beta = 1.0, double? threshold = null, string name = "fbeta_score")
    {
        if (!Averages.Contains(average))
            throw new ArgumentException($"Invalid `average` argument value. Expected one of: {{None, 'micro', 'macro', 'weighted'}}. Received: average={average}", nameof(average));
        if (!(beta > 0))
            throw new ArgumentException($"Invalid `beta` argument value. It should be > 0. Received: beta={Check.Format(beta)}", nameof(beta));
        if (threshold is double t && !(t > 0 && t <= 1))
            throw new ArgumentException($"Invalid `threshold` argument value. It should verify 0 < threshold <= 1. Received: threshold={Check.Format(t)}", nameof(threshold));
        Average = average;
        Beta = beta;
        Threshold = threshold;
        Name = name;
    }

    /// <summary>null, "micro", "macro" or "weighted".</summary>
    public string? Average { get; }
    /// <summary>The weight of recall against precision.</summary>
    public double Beta { get; }
    /// <summary>The threshold, or null for each row's arg-max.</summary>
    public double? Threshold { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (yPred.dim() != 2)
            throw new ArgumentException($"{GetType().Name} expects 2D inputs with shape (batch_size, output_dim). Received input shapes: y_pred.shape={Losses.Loss.ShapeText(yPred.shape)} and y_true.shape={Losses.Loss.ShapeText(yTrue.shape)}.", nameof(yPred));
        var truth = ConfusionCounts.Targets(yTrue, yPred).to(ScalarType.Float64);
        var pred = yPred.to(ScalarType.Float64);
        pred = Threshold is double t ? pred.gt(t).to(ScalarType.Float64)
            : (pred.ge(pred.amax(new long[] { -1 }, keepdim: true)) & pred.abs().gt(1e-9)).to(ScalarType.Float64);
        var w = Broadcast(sampleWeight, truth);
        long[] axis = Average == "micro" ? new long[] { 0, 1 } : new long[] { 0 };
        Tensor Sum(Tensor v) => (w is null ? v : v * w).sum(axis);
        Accumulate(ref _tp, Sum(pred * truth));
        Accumulate(ref _fp, Sum(pred * (1 - truth)));
        Accumulate(ref _fn, Sum((1 - pred) * truth));
        Accumulate(ref _support, Sum(truth));
    }

    /// <summary>The score per class with <c>average: null</c>, else the one averaged score (Keras's <c>result()</c>).</summary>
    public double[] Results()
    {
        if (_tp is null) return Average is null ? Array.Empty<double>() : new[] { 0.0 };
        using var scope = NewDisposeScope();
        var precision = _tp / (_tp + _fp! + Epsilon);
        var recall = _tp / (_tp + _fn! + Epsilon);
        double b2 = Beta * Beta;
        var f = precision * recall / (b2 * precision + recall + Epsilon) * (1 + b2);
        if (Average == "weighted") f = (f * (_support! / (_support!.sum() + Epsilon))).sum();
        else if (Average is not null) f = f.mean();
        return f.flatten().data<double>().ToArray();
    }

    /// <summary>The averaged score; with <c>average: null</c> the mean of the per-class scores (see <see cref="Results"/>).</summary>
    public override double Result()
    {
        var r = Results();
        return r.Length == 0 ? 0 : r.Average();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Variables => _tp is null ? Array.Empty<Tensor>() : [_tp, _fp!, _fn!, _support!];

    /// <inheritdoc/>
    public override void ResetState()
    {
        foreach (var v in new[] { _tp, _fp, _fn, _support }) v?.Dispose();
        _tp = _fp = _fn = _support = null;
    }

    /// <inheritdoc/>
    public override void Dispose() { ResetState(); base.Dispose(); }
}

/// <summary>
/// The F1 score (harmonic mean of precision and recall), as Keras's <c>keras.metrics.F1Score</c>: an
/// <see cref="FBetaScore"/> with β = 1. Compile with <c>"f1_score"</c>.
/// </summary>
/// <example><code>model.Compile("adam", "categorical_crossentropy", [new F1Score(average: "macro")]);</code></example>
public sealed class F1Score : FBetaScore
{
    /// <summary>Keras's <c>F1Score(average=None, threshold=None, name="f1_score")</c>.</summary>
    /// <param name="average">null, "micro", "macro" or "weighted".</param>
    /// <param name="threshold">Predictions above it are positive; null: each row's arg-max.</param>
    /// <param name="name">The metric's name in logs.</param>
    public F1Score(string? average = null, double? threshold = null, string name = "f1_score") : base(average, 1.0, threshold, name) { }
}
