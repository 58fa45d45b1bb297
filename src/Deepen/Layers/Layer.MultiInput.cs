using static TorchSharp.torch;

namespace Deepen.Layers;

// The multi-input contract and the functional API's symbolic calls.
//
// A layer that takes several tensors (merge layers, MultiHeadAttention) returns true from TakesMultipleInputs and
// overrides the list overloads: OnBuild(IReadOnlyList<Shape>), ComputeOutputShape(IReadOnlyList<Shape>),
// Call(IReadOnlyList<Tensor>, bool) and, to use or produce masks, Call(IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>,
// bool) and ComputeMask(IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>). Models always call such a layer through the
// list overloads, in the order the inputs were given (for attention: query, value, key). The single-tensor
// abstract members must still be implemented; they may throw, as the merge layers do.
public abstract partial class Layer
{
    /// <summary>
    /// Whether the layer takes a list of input tensors (merge layers, attention). Such a layer is always built,
    /// called and masked through the list overloads (<see cref="Build(IReadOnlyList{Shape})"/>,
    /// <see cref="Call(IReadOnlyList{Tensor}, bool)"/>, …), even when it is given a single tensor.
    /// </summary>
    public virtual bool TakesMultipleInputs => false;

    /// <summary>The input shapes a multi-input layer was built for (null for single-input layers).</summary>
    public IReadOnlyList<Shape>? BuiltInputShapes { get; private set; }

    /// <summary>
    /// Creates the weights of a layer for several inputs and returns the output shape; runs once. A single-input
    /// layer accepts a list of exactly one shape.
    /// </summary>
    public Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (!TakesMultipleInputs)
            return inputShapes.Count == 1 ? Build(inputShapes[0]) : throw ExpectsOneInput(inputShapes.Count);
        if (inputShapes.Any(s => s is null)) throw new ArgumentNullException(nameof(inputShapes), "An input shape is null.");
        if (Built)
        {
            if (!inputShapes.SequenceEqual(BuiltInputShapes!))
                throw new ArgumentException(
                    $"Input of layer \"{DisplayName}\" is incompatible with the layer: it was built for input shapes {ShapesText(BuiltInputShapes!)}, received {ShapesText(inputShapes)}.", nameof(inputShapes));
            return OutputShape!;
        }
        var shapes = inputShapes.ToArray();
        var output = ComputeOutputShape(shapes);          // validates before any weight is created
        OnBuild(shapes);
        BuiltInputShapes = shapes;
        OutputShape = output;
        Built = true;
        return output;
    }

    internal static string ShapesText(IEnumerable<Shape> shapes) => "[" + string.Join(", ", shapes.Select(s => s.ToBatchString())) + "]";

    ArgumentException ExpectsOneInput(int received) =>
        new($"Layer \"{DisplayName}\" expects 1 input, but it received {received} input tensors.");

    /// <summary>Creates the weights of a multi-input layer for its input shapes; called once by <see cref="Build(IReadOnlyList{Shape})"/>.</summary>
    protected virtual void OnBuild(IReadOnlyList<Shape> inputShapes) { }

    /// <summary>The output shape for several input shapes (batch excluded). Multi-input layers override it.</summary>
    public virtual Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        return inputShapes.Count == 1 ? ComputeOutputShape(inputShapes[0]) : throw ExpectsOneInput(inputShapes.Count);
    }

    /// <summary>Computes the output from several input batches. Multi-input layers override it.</summary>
    /// <param name="inputs">The input batches, in the order the layer was called with.</param>
    /// <param name="training">True during training.</param>
    public virtual Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 1 ? Call(inputs[0], training) : throw ExpectsOneInput(inputs.Count);
    }

    /// <summary>
    /// Computes the output from several input batches and their masks (each null or a boolean [batch, time] tensor).
    /// Models call this overload for multi-input layers; the default ignores the masks.
    /// </summary>
    public virtual Tensor Call(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training) => Call(inputs, training);

    /// <summary>The mask of a multi-input layer's output, or null (the default).</summary>
    public virtual Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks) => null;

    /// <summary>
    /// Calls the layer on a symbolic tensor of the functional API (Keras's <c>layer(x)</c>): builds the layer for
    /// the tensor's shape, records the call and returns the symbolic output. Calling the same layer again shares
    /// its weights.
    /// </summary>
    /// <example><code>
    /// var x = new Input((28, 28, 1));
    /// var h = new Conv2D(32, (3, 3), activation: "relu").Call(x);
    /// </code></example>
    public KerasTensor Call(KerasTensor input) => CallSymbolic(new[] { input ?? throw new ArgumentNullException(nameof(input)) });

    /// <summary>
    /// Calls a layer on several symbolic tensors, e.g. a merge layer: <c>new Add().Call(a, b)</c>, or attention:
    /// <c>mha.Call(query, value)</c>.
    /// </summary>
    /// <example><code>var sum = new Add().Call(x, shortcut);</code></example>
    public KerasTensor Call(params KerasTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"Input {i} of layer \"{DisplayName}\" is null.");
        return CallSymbolic(inputs);
    }

    KerasTensor CallSymbolic(KerasTensor[] inputs)
    {
        if (this is Input) throw new InvalidOperationException("An Input is not called on tensors: it is one. Use it directly, e.g. new Dense(8).Call(input).");
        if (!TakesMultipleInputs && inputs.Length != 1) throw ExpectsOneInput(inputs.Length);
        if (inputs.Length == 0) throw new ArgumentException($"Layer \"{DisplayName}\" was called on no inputs.", nameof(inputs));
        var output = TakesMultipleInputs ? Build(inputs.Select(t => t.Shape).ToArray()) : Build(inputs[0].Shape);
        return new Node(this, inputs, TakesMultipleInputs, output).Output;
    }
}
