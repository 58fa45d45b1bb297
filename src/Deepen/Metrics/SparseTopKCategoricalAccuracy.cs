using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>How often the integer label is among the <c>k</c> highest predictions, as Keras's SparseTopKCategoricalAccuracy.</summary>
/// <example><code>model.Compile("adam", "sparse_categorical_crossentropy", [new SparseTopKCategoricalAccuracy(k: 5)]);</code></example>
public sealed class SparseTopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Keras's <c>keras.metrics.SparseTopKCategoricalAccuracy</c> (k = 5).</summary>
    public SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy")
    {
        K = Utils.Check.Positive(k, nameof(k));
        Name = name;
    }

    /// <summary>How many top predictions count.</summary>
    public int K { get; }

    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) =>
        TopKCategoricalAccuracy.InTopK(yTrue.dim() == yPred.dim() ? yTrue.squeeze(-1) : yTrue, yPred, K);
}
