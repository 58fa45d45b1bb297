using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>Applies an activation function by name, as Keras's Activation layer.</summary>
/// <example><code>new Activation("relu")</code></example>
public sealed class Activation : Layer
{
    /// <param name="activation">relu, sigmoid, softmax, tanh, gelu, leaky_relu or linear.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public Activation(string activation, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Function = Activations.Activations.Resolve(activation);
    }

    /// <summary>The activation's name.</summary>
    public string Function { get; }

    /// <inheritdoc/>
    protected override string? ActivationName => Function;
    /// <summary>Nothing before the activation, which the base class applies (and leaves out for fused logits).</summary>
    protected override Tensor Compute(Tensor inputs, Tensor? mask, bool training) => inputs.alias();
    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("activation", Function);
}
