namespace Deepen.Metrics;

/// <summary>The (weighted) number of false negatives at a threshold, as Keras's <c>keras.metrics.FalseNegatives</c>.</summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", [new FalseNegatives()]);</code></example>
public sealed class FalseNegatives : ConfusionCounts
{
    /// <summary>Keras's <c>keras.metrics.FalseNegatives(thresholds=0.5)</c>.</summary>
    public FalseNegatives(double threshold = 0.5, string name = "false_negatives") : base(name, threshold) { }
    /// <inheritdoc/>
    public override double Result() => FalseNegativeCount;
}
