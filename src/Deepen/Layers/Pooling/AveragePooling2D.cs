using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Average pooling over channels-last images, as Keras's AveragePooling2D; with "same" padding the padded zeros
/// are not counted in the average.
/// </summary>
/// <example><code>new AveragePooling2D(2)</code></example>
public sealed class AveragePooling2D : Pooling2D
{
    /// <param name="poolSize">Window: an int or (rows, cols); default 2.</param>
    /// <param name="strides">Step; defaults to <paramref name="poolSize"/>.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public AveragePooling2D(Size2? poolSize = null, Size2? strides = null, string padding = "valid", string? name = null,
        Shape? inputShape = null) : base(poolSize, strides, padding, name, inputShape) { }

    /// <inheritdoc/>
    protected override Tensor Pool(Tensor x)
    {
        if (!Padded) return nn.functional.avg_pool2d(x, PoolSize.ToLongs(), Strides.ToLongs());
        var sums = nn.functional.avg_pool2d(nn.functional.pad(x, PadArgument), PoolSize.ToLongs(), Strides.ToLongs());
        var mask = ones(1, 1, x.shape[2], x.shape[3], dtype: x.dtype, device: x.device);
        var counts = nn.functional.avg_pool2d(nn.functional.pad(mask, PadArgument), PoolSize.ToLongs(), Strides.ToLongs());
        return sums / counts;
    }

}
