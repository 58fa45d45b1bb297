using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// How often predictions equal targets exactly, as Keras's <c>Accuracy</c> class (for class ids; the string
/// "accuracy" in <c>Compile</c> picks binary, categorical or sparse accuracy instead, as Keras does).
/// </summary>
/// <example><code>var acc = new Accuracy(); acc.UpdateState(labels, predictedLabels);</code></example>
public sealed class Accuracy : MeanMetricWrapper
{
    /// <summary>Keras's <c>keras.metrics.Accuracy</c>.</summary>
    public Accuracy(string name = "accuracy") => Name = name;
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var (t, p) = Losses.Loss.SameRank(yTrue, yPred);
        return t.to(ScalarType.Float64).eq(p.to(ScalarType.Float64));
    }
}

/// <summary>How often a probability above <c>threshold</c> matches a 0/1 target, as Keras's BinaryAccuracy.</summary>
/// <example><code>new BinaryAccuracy(threshold: 0.5)</code></example>
public sealed class BinaryAccuracy : MeanMetricWrapper
{
    /// <summary>Keras's <c>keras.metrics.BinaryAccuracy(name="binary_accuracy", threshold=0.5)</c>.</summary>
    /// <param name="name">The metric's name in the logs.</param>
    /// <param name="threshold">A prediction above it counts as 1, in [0, 1] (default 0.5).</param>
    public BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5)
    {
        Name = name;
        Threshold = Utils.Check.Fraction(threshold, nameof(threshold), allowOne: true);
    }
    /// <summary>The probability above which a prediction counts as 1 (Keras's <c>threshold</c>, default 0.5).</summary>
    public double Threshold { get; }
    /// <summary>1 where <c>yPred &gt; threshold</c> agrees with <c>yTrue &gt; 0.5</c>, else 0, per element.</summary>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) =>
        yPred.gt(Threshold).eq(Align(yTrue, yPred).gt(0.5));
}

/// <summary>How often the arg-max of predictions matches the arg-max of one-hot targets.</summary>
/// <example><code>new CategoricalAccuracy()</code></example>
public sealed class CategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Keras's <c>keras.metrics.CategoricalAccuracy(name="categorical_accuracy")</c>.</summary>
    /// <param name="name">The metric's name in the logs.</param>
    public CategoricalAccuracy(string name = "categorical_accuracy") => Name = name;
    /// <summary>1 where the arg-max of the predictions equals the arg-max of the one-hot targets, else 0, per sample.</summary>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => yPred.argmax(-1).eq(yTrue.argmax(-1));
}

/// <summary>How often the arg-max of predictions matches integer labels.</summary>
/// <example><code>new SparseCategoricalAccuracy()</code></example>
public sealed class SparseCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Keras's <c>keras.metrics.SparseCategoricalAccuracy(name="sparse_categorical_accuracy")</c>.</summary>
    /// <param name="name">The metric's name in the logs.</param>
    public SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") => Name = name;
    /// <summary>1 where the arg-max of the predictions equals the integer label (shape [batch] or [batch, 1]), else 0, per sample.</summary>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var y = yTrue.dim() == yPred.dim() ? yTrue.squeeze(-1) : yTrue;
        return yPred.argmax(-1).eq(y.to(ScalarType.Int64));
    }
}
