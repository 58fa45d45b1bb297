using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The element-wise minimum of a list of inputs (Keras's <c>Minimum</c>).
/// </summary>
/// <example><code>
/// var a = new Input(16);
/// var b = new Input(16);
/// var merged = new Minimum().Call(a, b);     // shape (None, 16)
/// var model = new Model([a, b], merged);
/// </code></example>
public sealed class Minimum : Merge
{
    /// <param name="name">Layer name.</param>
    public Minimum(string? name = null) : base(name) { }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var result = minimum(inputs[0], inputs[1]);
        for (int i = 2; i < inputs.Count; i++)
        {
            var next = minimum(result, inputs[i]);
            result.Dispose();
            result = next;
        }
        return result;
    }
}
