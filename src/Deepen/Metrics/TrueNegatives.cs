namespace Deepen.Metrics;

/// <summary>The (weighted) number of true negatives at a threshold, as Keras's <c>keras.metrics.TrueNegatives</c>.</summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", [new TrueNegatives()]);</code></example>
public sealed class TrueNegatives : ConfusionCounts
{
    /// <summary>Keras's <c>keras.metrics.TrueNegatives(thresholds=0.5)</c>.</summary>
    public TrueNegatives(double threshold = 0.5, string name = "true_negatives") : base(name, threshold) { }
    /// <inheritdoc/>
    public override double Result() => TrueNegativeCount;
}
