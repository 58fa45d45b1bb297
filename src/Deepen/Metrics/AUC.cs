using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// Area under the ROC curve, approximated as Keras does: counts at <c>numThresholds</c> evenly spaced thresholds
/// (0 − ε, 1/(n−1), …, 1 + ε) and trapezoidal integration.
/// </summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", ["auc"]);</code></example>
public sealed class AUC : Metric
{
    Tensor? _tp, _fp, _tn, _fn;
    readonly double[] _thresholds;

    public AUC(string name = "auc", int numThresholds = 200)
    {
        if (numThresholds < 2)
            throw Utils.Check.Invalid(nameof(numThresholds), numThresholds, "an integer greater than 1");
        Name = name;
        _thresholds = new double[numThresholds];
        for (int i = 1; i < numThresholds - 1; i++) _thresholds[i] = (double)i / (numThresholds - 1);
        _thresholds[0] = -1e-7;
        _thresholds[^1] = 1 + 1e-7;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var positive = ConfusionCounts.Targets(yTrue, yPred).gt(0.5).flatten().unsqueeze(1);
        var thr = tensor(_thresholds, device: yPred.device).to(yPred.dtype).unsqueeze(0);
        var above = yPred.flatten().unsqueeze(1).gt(thr); // [elements, thresholds]
        // Per-threshold counts. (A bare sum(0) would bind to sum(ScalarType) and add up everything as bytes.)
        var dim0 = new long[] { 0 };
        Accumulate(ref _tp, (above & positive).sum(dim0));
        Accumulate(ref _fp, (above & ~positive).sum(dim0));
        Accumulate(ref _tn, (~above & ~positive).sum(dim0));
        Accumulate(ref _fn, (~above & positive).sum(dim0));
    }

    /// <inheritdoc/>
    public override double Result()
    {
        if (_tp is null) return 0;
        double[] tp = _tp.data<double>().ToArray(), fp = _fp!.data<double>().ToArray(),
                 tn = _tn!.data<double>().ToArray(), fn = _fn!.data<double>().ToArray();
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
