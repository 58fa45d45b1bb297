using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>Flattens each sample to one dimension, in Keras's (channels-last) order.</summary>
/// <example><code>new Flatten()</code></example>
public sealed class Flatten : Layer
{
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public Flatten(string? name = null, Shape? inputShape = null) : base(name, inputShape) { }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => inputs.flatten(1);
    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new((int)inputShape.Elements);
}
