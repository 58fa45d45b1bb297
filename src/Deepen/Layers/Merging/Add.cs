using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Adds a list of inputs element-wise (Keras's <c>Add</c>), e.g. a residual connection <c>x + f(x)</c>. Shapes must match or broadcast.
/// </summary>
/// <example><code>
/// var a = new Input(16);
/// var b = new Input(16);
/// var merged = new Add().Call(a, b);     // shape (None, 16)
/// var model = new Model([a, b], merged);
/// </code></example>
public sealed class Add : Merge
{
    /// <param name="name">Layer name.</param>
    public Add(string? name = null) : base(name) { }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var sum = inputs[0] + inputs[1];
        for (int i = 2; i < inputs.Count; i++) sum.add_(inputs[i]);
        return sum;
    }
}
