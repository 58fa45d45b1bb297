
namespace Deepen.Layers;

/// <summary>
/// A symbolic tensor of the functional API (Keras's <c>KerasTensor</c>): it holds no data, only a shape (batch
/// excluded) and the call that produced it. Create one with <c>new Input(shape)</c> (an <see cref="Input"/> converts
/// to its tensor), then call layers on it with <see cref="Layer.Call(KerasTensor)"/>; give the input and output
/// tensors to <see cref="Models.Model(KerasTensor, KerasTensor, string?)"/>.
/// </summary>
/// <example><code>
/// KerasTensor x = new Input(20);
/// KerasTensor h = new Dense(64, activation: "relu").Call(x);
/// KerasTensor y = new Dense(1, activation: "sigmoid").Call(h);
/// var model = new Model(x, y);
/// </code></example>
public sealed class KerasTensor
{
    internal KerasTensor(Shape shape, Node node)
    {
        Shape = shape;
        Node = node;
    }

    /// <summary>The shape without the batch dimension.</summary>
    public Shape Shape { get; }

    /// <summary>The layer call that produced this tensor.</summary>
    public Node Node { get; }

    /// <summary>The layer that produced this tensor (an <see cref="Input"/> for model inputs).</summary>
    public Layer Layer => Node.Layer;

    /// <inheritdoc/>
    public override string ToString() => $"<KerasTensor shape={Shape.ToBatchString()}, produced by \"{Layer.Name}\" ({Layer.ClassName})>";
}

/// <summary>
/// One call of a layer in a functional graph (Keras's <c>Node</c>): the layer, the symbolic tensors it was called
/// on and the tensor it returned. A layer called twice (a shared layer) has two nodes and one set of weights.
/// </summary>
public sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<KerasTensor> inputs, bool listCall, Shape outputShape)
    {
        Layer = layer;
        Inputs = inputs;
        ListCall = listCall;
        Output = new KerasTensor(outputShape, this);
    }

    /// <summary>The layer called.</summary>
    public Layer Layer { get; }
    /// <summary>The symbolic inputs (empty for an <see cref="Input"/>).</summary>
    public IReadOnlyList<KerasTensor> Inputs { get; }
    /// <summary>
    /// Whether the layer received its inputs as a list (<see cref="Layer.Call(IReadOnlyList{TorchSharp.torch.Tensor}, bool)"/>),
    /// as layers with <see cref="Layer.TakesMultipleInputs"/> do, rather than as one tensor.
    /// </summary>
    public bool ListCall { get; }
    /// <summary>The symbolic output.</summary>
    public KerasTensor Output { get; }
}
