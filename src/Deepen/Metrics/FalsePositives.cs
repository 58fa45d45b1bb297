namespace Deepen.Metrics;

/// <summary>The (weighted) number of false positives at a threshold, as Keras's <c>keras.metrics.FalsePositives</c>.</summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", [new FalsePositives()]);</code></example>
public sealed class FalsePositives : ConfusionCounts
{
    /// <summary>Keras's <c>keras.metrics.FalsePositives(thresholds=0.5)</c>.</summary>
    public FalsePositives(double threshold = 0.5, string name = "false_positives") : base(name, threshold) { }
    /// <inheritdoc/>
    public override double Result() => FalsePositiveCount;
}
