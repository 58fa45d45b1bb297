namespace Deepen.Metrics;

/// <summary>The (weighted) number of true positives at a threshold, as Keras's <c>keras.metrics.TruePositives</c>.</summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", [new TruePositives()]);</code></example>
public sealed class TruePositives : ConfusionCounts
{
    /// <summary>Keras's <c>keras.metrics.TruePositives(thresholds=0.5)</c>.</summary>
    public TruePositives(double threshold = 0.5, string name = "true_positives") : base(name, threshold) { }
    /// <inheritdoc/>
    public override double Result() => TruePositiveCount;
}
