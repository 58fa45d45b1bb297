using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Declares a model's input shape (without the batch dimension), as Keras's <c>keras.Input(shape)</c>.
/// In a <see cref="Models.Sequential"/> it may come first instead of giving <c>inputShape</c> to the first layer.
/// </summary>
/// <example><code>var model = new Sequential(new Input((28, 28, 1)), new Flatten(), new Dense(10, "softmax"));</code></example>
public sealed class Input : Layer
{
    /// <summary>Declares an input of <paramref name="shape"/>.</summary>
    public Input(Shape shape, string? name = null) : base(name, shape ?? throw new ArgumentNullException(nameof(shape))) { }

    /// <summary>The declared shape.</summary>
    public Shape Shape => InputShape!;

    /// <inheritdoc/>
    public override string ClassName => "InputLayer";
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => inputs;
    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    internal static Layer FromConfig(LayerConfig c) => new Input(c.GetShapeOrNull("input_shape")!);
}
