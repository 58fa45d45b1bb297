using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Multiplies a list of inputs element-wise (Keras's <c>Multiply</c>), e.g. a gate <c>x * sigmoid(g)</c>.
/// </summary>
/// <example><code>
/// var a = new Input(16);
/// var b = new Input(16);
/// var merged = new Multiply().Call(a, b);     // shape (None, 16)
/// var model = new Model([a, b], merged);
/// </code></example>
public sealed class Multiply : Merge
{
    /// <param name="name">Layer name.</param>
    public Multiply(string? name = null) : base(name) { }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var product = inputs[0] * inputs[1];
        for (int i = 2; i < inputs.Count; i++) product.mul_(inputs[i]);
        return product;
    }
}
