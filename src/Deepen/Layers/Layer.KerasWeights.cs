using static TorchSharp.torch;

namespace Deepen.Layers;

// Keras's layer.get_weights() / set_weights(): the layer's weights in Keras's layouts (see KerasWeightLayout).
public abstract partial class Layer
{
    /// <summary>
    /// Copies of this layer's weights in Keras's layouts (Keras's <c>layer.get_weights()</c>): a Dense kernel is
    /// (in, units), a Conv2D kernel (kh, kw, in, out).
    /// </summary>
    /// <example><code>var (kernel, bias) = (dense.GetWeights()[0], dense.GetWeights()[1]);</code></example>
    public List<Tensor> GetWeights() => Weights.Select(w => w.KerasValue()).ToList();

    /// <summary>Assigns this layer's weights from Keras-layout tensors (Keras's <c>layer.set_weights()</c>).</summary>
    /// <example><code>dense.SetWeights([tensor(new float[,] { { 1, -2 }, { 3, -4 } }), tensor(new[] { 5f, -6f })]);</code></example>
    public void SetWeights(IReadOnlyList<Tensor> values)
    {
        if (values.Count != Weights.Count)
            throw new ArgumentException($"Layer \"{Name}\" expects {Weights.Count} weight(s), but the weight list received has {values.Count}.", nameof(values));
        for (int i = 0; i < values.Count; i++) Weights[i].AssignKeras(values[i]);
    }
}
