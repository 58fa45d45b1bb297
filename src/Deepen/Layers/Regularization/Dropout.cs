using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Sets a fraction <c>rate</c> of inputs to zero during training and scales the rest by 1/(1 - rate); does
/// nothing at inference, as Keras's Dropout.
/// </summary>
/// <example><code>new Dropout(0.5)</code></example>
public sealed class Dropout : Layer
{
    /// <param name="rate">Fraction of inputs to drop, in [0, 1).</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public Dropout(double rate, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Rate = Check.Fraction(rate, nameof(rate));
    }

    /// <summary>The fraction of inputs set to zero during training, in [0, 1) (Keras's <c>rate</c>).</summary>
    public double Rate { get; }

    /// <summary>Dropout works elementwise, so the input's mask passes through (as in Keras).</summary>
    public override bool SupportsMasking => true;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) =>
        training && Rate > 0 ? nn.functional.dropout(inputs, Rate, training: true) : inputs.alias();

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("rate", Rate);
}
