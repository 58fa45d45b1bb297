using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The maximum over windows of <c>poolSize</c> steps, per channel, as Keras's MaxPooling1D:
/// (batch, steps, channels) → (batch, pooled steps, channels).
/// </summary>
/// <example><code>new MaxPooling1D(2)   // halves the number of steps</code></example>
public sealed class MaxPooling1D : Pooling1D
{
    /// <param name="poolSize">Window length; default 2.</param>
    /// <param name="strides">Step; defaults to <paramref name="poolSize"/>.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, channels), for the first layer of a model.</param>
    public MaxPooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null, Shape? inputShape = null)
        : base(poolSize, strides, padding, name, inputShape) { }

    /// <inheritdoc/>
    protected override Tensor Pool(Tensor x)
    {
        if (Padded) x = nn.functional.pad(x, PadArgument, value: double.NegativeInfinity);
        return nn.functional.max_pool1d(x, PoolSize, Strides);
    }
}
