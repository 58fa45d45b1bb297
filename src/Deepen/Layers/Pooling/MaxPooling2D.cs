using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>Max pooling over channels-last images, as Keras's MaxPooling2D.</summary>
/// <example><code>new MaxPooling2D(2, 2); new MaxPooling2D((2, 2)); new MaxPooling2D(3, strides: 2, padding: "same");</code></example>
public sealed class MaxPooling2D : Pooling2D
{
    /// <param name="poolSize">Window: an int or (rows, cols); default 2.</param>
    /// <param name="strides">Step; defaults to <paramref name="poolSize"/>.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public MaxPooling2D(Size2? poolSize = null, Size2? strides = null, string padding = "valid", string? name = null,
        Shape? inputShape = null) : base(poolSize, strides, padding, name, inputShape) { }

    /// <inheritdoc/>
    protected override Tensor Pool(Tensor x)
    {
        if (Padded) x = nn.functional.pad(x, PadArgument, value: double.NegativeInfinity);
        return nn.functional.max_pool2d(x, PoolSize.ToLongs(), Strides.ToLongs());
    }

}
