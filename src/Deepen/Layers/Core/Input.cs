using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Declares a model's input shape (without the batch dimension), as Keras's <c>keras.Input(shape)</c>.
/// In a <see cref="Models.Sequential"/> it may come first instead of giving <c>inputShape</c> to the first layer.
/// In the functional API it is the graph's starting point: it converts to its symbolic tensor
/// (<see cref="Output"/>), on which layers are called.
/// </summary>
/// <example><code>
/// var model = new Sequential(new Input((28, 28, 1)), new Flatten(), new Dense(10, "softmax"));
///
/// var x = new Input(20);                                   // functional API
/// var y = new Dense(1, activation: "sigmoid").Call(x);
/// var classifier = new Model(x, y);
/// </code></example>
public sealed class Input : Layer
{
    /// <summary>Declares an input of <paramref name="shape"/>.</summary>
    public Input(Shape shape, string? name = null) : base(name, shape ?? throw new ArgumentNullException(nameof(shape)))
    {
        Build(shape);
        Output = new Node(this, Array.Empty<KerasTensor>(), false, shape).Output;
    }

    /// <summary>The declared shape.</summary>
    public Shape Shape => InputShape!;

    /// <summary>The symbolic tensor this input stands for in the functional API.</summary>
    public KerasTensor Output { get; }

    /// <summary>An input is used as its symbolic tensor: <c>new Dense(8).Call(input)</c>.</summary>
    public static implicit operator KerasTensor(Input input) => (input ?? throw new ArgumentNullException(nameof(input))).Output;

    /// <inheritdoc/>
    public override string ClassName => "InputLayer";
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => inputs;
    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    internal static Layer FromConfig(LayerConfig c) =>
        new Input(c.GetShapeOrNull("input_shape") ?? throw new FormatException("InputLayer config has no `input_shape`."), c.GetStringOrNull("name"));
}
