using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>Multiplies inputs by <c>scale</c> and adds <c>offset</c>, as Keras's Rescaling (e.g. 1/255 for pixels).</summary>
/// <example><code>new Rescaling(1.0 / 255, inputShape: (150, 150, 3))</code></example>
public sealed class Rescaling : Layer
{
    /// <param name="scale">The factor.</param>
    /// <param name="offset">Added after scaling.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public Rescaling(double scale, double offset = 0.0, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Scale = double.IsFinite(scale) ? scale : throw Check.Invalid(nameof(scale), scale, "a finite number");
        Offset = double.IsFinite(offset) ? offset : throw Check.Invalid(nameof(offset), offset, "a finite number");
    }

    /// <summary>The factor inputs are multiplied by (Keras's <c>scale</c>), e.g. 1/255.</summary>
    public double Scale { get; }
    /// <summary>What is added after scaling (Keras's <c>offset</c>, default 0).</summary>
    public double Offset { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (Offset == 0) return inputs * Scale;
        using var scaled = inputs * Scale;
        return scaled + Offset;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("scale", Scale).Set("offset", Offset);
}
