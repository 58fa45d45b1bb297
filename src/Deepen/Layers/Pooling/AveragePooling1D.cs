using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The mean over windows of <c>poolSize</c> steps, per channel, as Keras's AveragePooling1D; with "same" padding
/// the padded steps are left out of the mean, as in Keras.
/// </summary>
/// <example><code>new AveragePooling1D(3, strides: 1, padding: "same")</code></example>
public sealed class AveragePooling1D : Pooling1D
{
    /// <param name="poolSize">Window length; default 2.</param>
    /// <param name="strides">Step; defaults to <paramref name="poolSize"/>.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, channels), for the first layer of a model.</param>
    public AveragePooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null, Shape? inputShape = null)
        : base(poolSize, strides, padding, name, inputShape) { }

    /// <inheritdoc/>
    protected override Tensor Pool(Tensor x)
    {
        if (!Padded) return nn.functional.avg_pool1d(x, PoolSize, Strides);
        var sums = nn.functional.avg_pool1d(nn.functional.pad(x, PadArgument), PoolSize, Strides);
        var mask = ones(1, 1, x.shape[2], dtype: x.dtype, device: x.device);
        var counts = nn.functional.avg_pool1d(nn.functional.pad(mask, PadArgument), PoolSize, Strides);
        return sums / counts;
    }
}
