using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// Area under the ROC or precision-recall curve, approximated as Keras does (keras/src/metrics/confusion_metrics.py):
/// weighted counts at <c>numThresholds</c> evenly spaced thresholds (0 − ε, 1/(n−1), …, 1 + ε), trapezoids for ROC
/// and Davis &amp; Goadrich's interpolation for PR. <c>fromLogits</c> applies a sigmoid first. Multi-label AUC
/// (<c>multi_label=True</c>) is not supported: all entries count as one label, Keras's default.
/// </summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", ["auc"]);</code></example>
public sealed class AUC : Metric
{
    Tensor? _tp, _fp, _tn, _fn;
    readonly double[] _thresholds;

    /// <summary>Keras's <c>keras.metrics.AUC(num_thresholds=200, curve="ROC", from_logits=False)</c>.</summary>
    public AUC(string name = "auc", int numThresholds = 200, string curve = "ROC", bool fromLogits = false)
    {
        if (numThresholds < 2)
            throw Utils.Check.Invalid(nameof(numThresholds), numThresholds, "an integer greater than 1");
        Name = name;
        Curve = Utils.Check.OneOf(curve, nameof(curve), "roc", "pr").ToUpperInvariant();
        FromLogits = fromLogits;
        _thresholds = new double[numThresholds];
        for (int i = 1; i < numThresholds - 1; i++) _thresholds[i] = (double)i / (numThresholds - 1);
        _thresholds[0] = -1e-7;
        _thresholds[^1] = 1 + 1e-7;
    }

    /// <summary>"ROC" or "PR".</summary>
    public string Curve { get; }
    /// <summary>Whether predictions are logits (a sigmoid is applied first).</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var scores = FromLogits ? yPred.sigmoid() : yPred;
        var targets = ConfusionCounts.Targets(yTrue, yPred);
        var weight = (Broadcast(sampleWeight, scores) ?? ones_like(scores, ScalarType.Float64)).flatten().unsqueeze(1);
        var positive = targets.gt(0.5).flatten().unsqueeze(1);
        var thr = tensor(_thresholds, device: yPred.device).to(scores.dtype).unsqueeze(0);
        var above = scores.flatten().unsqueeze(1).gt(thr); // [elements, thresholds]
        // Per-threshold counts. (A bare sum(0) would bind to sum(ScalarType) and add up everything as bytes.)
        var dim0 = new long[] { 0 };
        Tensor Count(Tensor mask) => (mask.to(ScalarType.Float64) * weight).sum(dim0);
        Accumulate(ref _tp, Count(above & positive));
        Accumulate(ref _fp, Count(above & ~positive));
        Accumulate(ref _tn, Count(~above & ~positive));
        Accumulate(ref _fn, Count(~above & positive));
    }

    /// <inheritdoc/>
    public override double Result()
    {
        if (_tp is null) return 0;
        double[] tp = _tp.data<double>().ToArray(), fp = _fp!.data<double>().ToArray(),
                 tn = _tn!.data<double>().ToArray(), fn = _fn!.data<double>().ToArray();
        if (Curve == "PR") return InterpolatedPrAuc(tp, fp, fn);
        double area = 0;
        for (int i = 0; i < tp.Length - 1; i++)
        {
            double tpr0 = Div(tp[i], tp[i] + fn[i]), tpr1 = Div(tp[i + 1], tp[i + 1] + fn[i + 1]);
            double fpr0 = Div(fp[i], fp[i] + tn[i]), fpr1 = Div(fp[i + 1], fp[i + 1] + tn[i + 1]);
            area += (fpr0 - fpr1) * (tpr0 + tpr1) / 2;
        }
        return area;
    }

    static double Div(double a, double b) => b == 0 ? 0 : a / b;

    /// <summary>Keras's <c>interpolate_pr_auc</c> (Davis &amp; Goadrich, 2006): precision interpolated between thresholds.</summary>
    static double InterpolatedPrAuc(double[] tp, double[] fp, double[] fn)
    {
        double area = 0;
        for (int i = 0; i < tp.Length - 1; i++)
        {
            double pa = tp[i] + fp[i], pb = tp[i + 1] + fp[i + 1];
            double dtp = tp[i] - tp[i + 1], dp = pa - pb;
            double slope = Div(dtp, Math.Max(dp, 0));
            double intercept = tp[i + 1] - slope * pb;
            double ratio = pa > 0 && pb > 0 ? Div(pa, Math.Max(pb, 0)) : 1;
            area += Div(slope * (dtp + intercept * Math.Log(ratio)), Math.Max(tp[i + 1] + fn[i + 1], 0));
        }
        return area;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Variables =>
        [State(ref _tp, _thresholds.Length), State(ref _fp, _thresholds.Length), State(ref _tn, _thresholds.Length), State(ref _fn, _thresholds.Length)];

    /// <inheritdoc/>
    public override void ResetState()
    {
        foreach (var t in new[] { _tp, _fp, _tn, _fn }) t?.Dispose();
        _tp = _fp = _tn = _fn = null;
    }

    /// <inheritdoc/>
    public override void Dispose() { ResetState(); base.Dispose(); }
}
