using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Subtracts the second input from the first (Keras's <c>Subtract</c>): exactly two inputs of the same (or broadcastable) shape.
/// </summary>
/// <example><code>
/// var a = new Input(16);
/// var b = new Input(16);
/// var merged = new Subtract().Call(a, b);     // shape (None, 16)
/// var model = new Model([a, b], merged);
/// </code></example>
public sealed class Subtract : Merge
{
    /// <param name="name">Layer name.</param>
    public Subtract(string? name = null) : base(name) { }

    /// <inheritdoc/>
    protected override int MinInputs => 2;
    /// <inheritdoc/>
    protected override int MaxInputs => 2;

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        return inputs[0] - inputs[1];
    }
}
