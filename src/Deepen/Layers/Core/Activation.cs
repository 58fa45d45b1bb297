using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>Applies an activation function by name, as Keras's Activation layer.</summary>
/// <example><code>new Activation("relu")</code></example>
public sealed class Activation : Layer
{
    readonly Func<Tensor, Tensor> _fn;

    /// <param name="activation">relu, sigmoid, softmax, tanh, gelu, leaky_relu or linear.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public Activation(string activation, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Function = Activations.Activations.Resolve(activation);
        _fn = Activations.Activations.Get(Function);
    }

    /// <summary>The activation's name.</summary>
    public string Function { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => _fn(inputs);
    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    internal override string? FinalActivation => Function;
    internal override Tensor CallWithoutActivation(Tensor inputs, Tensor? mask, bool training) => inputs.alias();
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("activation", Function);
}
