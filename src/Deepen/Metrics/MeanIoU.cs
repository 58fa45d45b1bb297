using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// The mean Intersection-over-Union, as Keras's <c>keras.metrics.MeanIoU</c> (keras/src/metrics/iou_metrics.py): a
/// weighted confusion matrix of <c>numClasses</c>² cells is accumulated, and for each class
/// IoU = TP / (TP + FP + FN); the result is the mean over the classes whose denominator is not 0. Entries whose
/// target or prediction lies outside [0, numClasses) are left out, and so are those whose target is
/// <c>ignoreClass</c>. Targets and predictions are class ids by default; with <c>sparseYTrue: false</c> /
/// <c>sparseYPred: false</c> they are one-hot rows or probabilities, and their arg-max over the last axis is taken
/// (pass <c>sparseYPred: false</c> to use it on a softmax model's output).
/// </summary>
/// <example><code>
/// model.Compile("adam", "sparse_categorical_crossentropy", [new MeanIoU(numClasses: 3, sparseYPred: false)]);
/// </code></example>
public sealed class MeanIoU : Metric
{
    Tensor? _matrix;

    /// <summary>Keras's <c>MeanIoU(num_classes, name=None, ignore_class=None, sparse_y_true=True, sparse_y_pred=True)</c>.</summary>
    /// <param name="numClasses">The number of classes (at least 2 in practice; 1 is allowed).</param>
    /// <param name="name">The metric's name in logs.</param>
    /// <param name="ignoreClass">A target id left out of the matrix (e.g. 255 or -1 for "void" pixels), or null.</param>
    /// <param name="sparseYTrue">Whether targets are class ids (else their arg-max is taken).</param>
    /// <param name="sparseYPred">Whether predictions are class ids (else their arg-max is taken).</param>
    public MeanIoU(int numClasses, string name = "mean_iou", int? ignoreClass = null, bool sparseYTrue = true, bool sparseYPred = true)
    {
        NumClasses = Check.Positive(numClasses, nameof(numClasses));
        Name = name;
        IgnoreClass = ignoreClass;
        SparseYTrue = sparseYTrue;
        SparseYPred = sparseYPred;
    }

    /// <summary>The number of classes.</summary>
    public int NumClasses { get; }
    /// <summary>The target id left out, or null.</summary>
    public int? IgnoreClass { get; }
    /// <summary>Whether targets are class ids.</summary>
    public bool SparseYTrue { get; }
    /// <summary>Whether predictions are class ids.</summary>
    public bool SparseYPred { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var truth = (SparseYTrue ? yTrue : yTrue.argmax(-1)).to(ScalarType.Float64);
        var pred = (SparseYPred ? yPred : yPred.argmax(-1)).to(ScalarType.Float64);
        var weight = sampleWeight is null ? ones_like(truth) : Broadcast(sampleWeight, truth)!;
        truth = truth.flatten().to(ScalarType.Int64);                   // Keras casts both to int (floats truncate)
        pred = pred.flatten().to(ScalarType.Int64);
        weight = weight.flatten();
        if (truth.numel() != pred.numel())
            throw new ArgumentException($"MeanIoU: y_true has {truth.numel()} entries and y_pred {pred.numel()}; they must match (class ids, or one-hot rows with sparseYTrue/sparseYPred false).", nameof(yPred));
        var valid = truth.ge(0) & truth.lt(NumClasses) & pred.ge(0) & pred.lt(NumClasses);
        if (IgnoreClass is int ignored) valid &= truth.ne(ignored);
        var cell = where(valid, truth * NumClasses + pred, zeros_like(truth));
        var counts = zeros(NumClasses * NumClasses, ScalarType.Float64, truth.device)
            .index_add(0, cell, where(valid, weight, zeros_like(weight)), 1);
        Accumulate(ref _matrix, counts.view(NumClasses, NumClasses));  // rows: targets, columns: predictions
    }

    /// <summary>The IoU of each class (0 for a class that appears in neither targets nor predictions).</summary>
    public double[] Results()
    {
        if (_matrix is null) return new double[NumClasses];
        using var scope = NewDisposeScope();
        var tp = _matrix.diagonal();
        var denominator = _matrix.sum(new long[] { 1 }) + _matrix.sum(new long[] { 0 }) - tp;
        return where(denominator.gt(0), tp / denominator.clamp_min(1e-300), zeros_like(tp)).data<double>().ToArray();
    }

    /// <inheritdoc/>
    public override double Result()
    {
        if (_matrix is null) return 0;
        using var scope = NewDisposeScope();
        var tp = _matrix.diagonal();
        var denominator = _matrix.sum(new long[] { 1 }) + _matrix.sum(new long[] { 0 }) - tp;
        double valid = denominator.gt(0).sum().item<long>();
        return valid == 0 ? 0 : Results().Sum() / valid;
    }

    /// <summary>The accumulated confusion matrix (rows: targets, columns: predictions), Keras's <c>total_cm</c>.</summary>
    public override IReadOnlyList<Tensor> Variables => [State(ref _matrix, NumClasses, NumClasses)];

    /// <inheritdoc/>
    public override void ResetState() { _matrix?.Dispose(); _matrix = null; }

    /// <inheritdoc/>
    public override void Dispose() { ResetState(); base.Dispose(); }
}
