using Deepen.Losses;
using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>
/// A loss tracked as a metric: the (sample-weighted) mean of its per-sample values over all batches, as Keras's metric
/// classes <c>MeanSquaredError</c>, <c>BinaryCrossentropy</c>, <c>KLDivergence</c>, … and the loss names passed as
/// metrics (<c>metrics=["mse"]</c>) compute. The predictions are the model's probabilities (after its final
/// activation). Keras's <c>CosineSimilarity</c> metric is the similarity itself, the opposite of the loss's sign.
/// </summary>
/// <example><code>model.Compile("adam", "binary_crossentropy", ["accuracy", "mse"]);
/// var mae = new LossMetric(new MeanAbsoluteError(), "mae");</code></example>
public sealed class LossMetric : MeanMetricWrapper
{
    readonly double _sign;

    /// <summary>Tracks <paramref name="loss"/>'s per-sample values under <paramref name="name"/>.</summary>
    /// <param name="loss">The loss whose per-sample values are averaged.</param>
    /// <param name="name">The metric's name in logs.</param>
    public LossMetric(Loss loss, string name)
    {
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Name = name;
        _sign = loss is CosineSimilarity ? -1 : 1;          // keras.metrics.CosineSimilarity: +cos, the loss: −cos
    }

    /// <summary>The loss tracked.</summary>
    public Loss Loss { get; }

    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) =>
        _sign * Loss.PerSampleLosses(yTrue, yPred, fromLogits: false);
}
