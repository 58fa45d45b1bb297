using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>How often the one-hot target's class is among the <c>k</c> highest predictions, as Keras's TopKCategoricalAccuracy.</summary>
/// <example><code>model.Compile("adam", "categorical_crossentropy", [new TopKCategoricalAccuracy(k: 5)]);</code></example>
public sealed class TopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Keras's <c>keras.metrics.TopKCategoricalAccuracy</c> (k = 5).</summary>
    public TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy")
    {
        K = Utils.Check.Positive(k, nameof(k));
        Name = name;
    }

    /// <summary>How many top predictions count.</summary>
    public int K { get; }

    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => InTopK(yTrue.argmax(-1), yPred, K);

    internal static Tensor InTopK(Tensor labels, Tensor yPred, int k)
    {
        var top = yPred.topk(Math.Min(k, (int)yPred.shape[^1]), -1).indexes;
        return top.eq(labels.to(ScalarType.Int64).unsqueeze(-1)).any(-1);
    }
}
