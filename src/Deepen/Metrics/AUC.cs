using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// Area under the ROC or precision-recall curve, approximated as Keras does (keras/src/metrics/confusion_metrics.py):
/// weighted counts at <c>numThresholds</c> evenly spaced thresholds (0 − ε, 1/(n−1), …, 1 + ε), trapezoids for ROC
/// and Davis &amp; Goadrich's interpolation for PR. <c>fromLogits</c> applies a sigmoid first. By default all entries
/// count as one label; with <c>multiLabel: true</c> each column of (batch, labels) predictions is its own curve and
/// the result is the mean of the labels' AUCs, weighted by <c>labelWeights</c> when given. Without
/// <c>multiLabel</c>, <c>labelWeights</c> weighs each entry by its column instead, as in Keras.
/// </summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", ["auc"]);
/// var perLabel = new AUC(multiLabel: true, numLabels: 3, labelWeights: new[] { 0.5, 0.25, 0.25 });</code></example>
public sealed class AUC : Metric
{
    Tensor? _tp, _fp, _tn, _fn;                                        // [labels, thresholds]; one label unless multiLabel
    readonly double[] _thresholds;
    readonly double[]? _labelWeights;

    /// <summary>Keras's <c>keras.metrics.AUC(num_thresholds=200, curve="ROC", from_logits=False, multi_label=False, num_labels=None, label_weights=None)</c>.</summary>
    /// <param name="name">The metric's name in logs.</param>
    /// <param name="numThresholds">The number of thresholds (at least 2).</param>
    /// <param name="curve">"ROC" or "PR".</param>
    /// <param name="fromLogits">Whether predictions are logits (a sigmoid is applied first).</param>
    /// <param name="multiLabel">Whether each column is a separate label whose AUCs are averaged.</param>
    /// <param name="numLabels">The number of labels with <paramref name="multiLabel"/> (else taken from the first batch).</param>
    /// <param name="labelWeights">Non-negative weights of the labels (columns), or null.</param>
    public AUC(string name = "auc", int numThresholds = 200, string curve = "ROC", bool fromLogits = false,
        bool multiLabel = false, int? numLabels = null, double[]? labelWeights = null)
    {
        if (numThresholds < 2)
            throw Utils.Check.Invalid(nameof(numThresholds), numThresholds, "an integer greater than 1");
        if (numLabels is not null && !multiLabel)
            throw new ArgumentException($"`num_labels` is needed only when `multi_label` is True. Received: numLabels={numLabels}", nameof(numLabels));
        if (numLabels is int n) Utils.Check.Positive(n, nameof(numLabels));
        if (labelWeights is not null && labelWeights.Any(w => w < 0))
            throw new ArgumentException($"All values of `label_weights` must be non-negative. Received: labelWeights={Utils.Check.Format(labelWeights)}", nameof(labelWeights));
        if (labelWeights is not null && numLabels is int m && labelWeights.Length != m)
            throw new ArgumentException($"`labelWeights` has {labelWeights.Length} entries but numLabels is {m}.", nameof(labelWeights));
        Name = name;
        Curve = Utils.Check.OneOf(curve, nameof(curve), "roc", "pr").ToUpperInvariant();
        FromLogits = fromLogits;
        MultiLabel = multiLabel;
        NumLabels = numLabels;
        _labelWeights = labelWeights?.ToArray();
        _thresholds = new double[numThresholds];
        for (int i = 1; i < numThresholds - 1; i++) _thresholds[i] = (double)i / (numThresholds - 1);
        _thresholds[0] = -1e-7;
        _thresholds[^1] = 1 + 1e-7;
    }

    /// <summary>"ROC" or "PR".</summary>
    public string Curve { get; }
    /// <summary>Whether predictions are logits (a sigmoid is applied first).</summary>
    public bool FromLogits { get; }
    /// <summary>Whether each column is its own label (the result is the mean of the labels' AUCs).</summary>
    public bool MultiLabel { get; }
    /// <summary>The number of labels given to the constructor, or null.</summary>
    public int? NumLabels { get; }
    /// <summary>The labels' weights, or null.</summary>
    public IReadOnlyList<double>? LabelWeights => _labelWeights;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (MultiLabel && yPred.dim() != 2)
            throw new ArgumentException($"`y_pred` must have rank 2 when `multi_label=True`. Found rank {yPred.dim()}. Full shape received for `y_pred`: {Losses.Loss.ShapeText(yPred.shape)}", nameof(yPred));
        if (MultiLabel && NumLabels is int n && yPred.shape[1] != n)
            throw new ArgumentException($"AUC was given numLabels={n}, but `y_pred` has {yPred.shape[1]} columns. Full shape received: {Losses.Loss.ShapeText(yPred.shape)}", nameof(yPred));
        var scores = FromLogits ? yPred.sigmoid() : yPred;
        var targets = ConfusionCounts.Targets(yTrue, yPred);
        var weight = Broadcast(sampleWeight, scores) ?? ones_like(scores, ScalarType.Float64);
        if (_labelWeights is not null && !MultiLabel)                  // Keras: label weights weigh each entry by its column
        {
            if (scores.shape[^1] != _labelWeights.Length)
                throw new ArgumentException($"AUC has {_labelWeights.Length} label weights, but `y_pred` has {scores.shape[^1]} columns.", nameof(yPred));
            weight = weight * tensor(_labelWeights, device: yPred.device);
        }
        long labels = MultiLabel ? scores.shape[1] : 1;
        // [elements, labels, 1] against [thresholds]: one count per label and threshold.
        var thr = tensor(_thresholds, device: yPred.device).to(scores.dtype);
        var above = scores.reshape(-1, labels, 1).gt(thr);
        var positive = targets.gt(0.5).reshape(-1, labels, 1);
        var w = weight.reshape(-1, labels, 1);
        // (A bare sum(0) would bind to sum(ScalarType) and add up everything as bytes.)
        var dim0 = new long[] { 0 };
        Tensor Count(Tensor mask) => (mask.to(ScalarType.Float64) * w).sum(dim0);
        Accumulate(ref _tp, Count(above & positive));
        Accumulate(ref _fp, Count(above & ~positive));
        Accumulate(ref _tn, Count(~above & ~positive));
        Accumulate(ref _fn, Count(~above & positive));
    }

    /// <inheritdoc/>
    public override double Result()
    {
        if (_tp is null) return 0;
        int labels = (int)_tp.shape[0];
        var aucs = new double[labels];
        for (int l = 0; l < labels; l++)
        {
            double[] tp = Row(_tp, l), fp = Row(_fp!, l), tn = Row(_tn!, l), fn = Row(_fn!, l);
            aucs[l] = Curve == "PR" ? InterpolatedPrAuc(tp, fp, fn) : RocAuc(tp, fp, tn, fn);
        }
        if (!MultiLabel) return aucs[0];
        if (_labelWeights is null) return aucs.Average();
        if (_labelWeights.Length != labels)
            throw new InvalidOperationException($"AUC has {_labelWeights.Length} label weights, but the predictions had {labels} labels.");
        return Div(aucs.Select((a, i) => a * _labelWeights[i]).Sum(), _labelWeights.Sum());
    }

    static double[] Row(Tensor t, int label) => t[label].data<double>().ToArray();

    static double RocAuc(double[] tp, double[] fp, double[] tn, double[] fn)
    {
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
        MultiLabel && NumLabels is null && _tp is null ? Array.Empty<Tensor>() // the shape comes with the first batch
            : [State(ref _tp, StateShape), State(ref _fp, StateShape), State(ref _tn, StateShape), State(ref _fn, StateShape)];

    long[] StateShape => new long[] { MultiLabel ? NumLabels ?? _tp!.shape[0] : 1, _thresholds.Length };

    /// <inheritdoc/>
    public override void ResetState()
    {
        foreach (var t in new[] { _tp, _fp, _tn, _fn }) t?.Dispose();
        _tp = _fp = _tn = _fn = null;
    }

    /// <inheritdoc/>
    public override void Dispose() { ResetState(); base.Dispose(); }
}
