using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>Averages each channel over rows and columns: (batch, rows, cols, channels) → (batch, channels).</summary>
/// <example><code>new GlobalAveragePooling2D()</code></example>
public sealed class GlobalAveragePooling2D : Layer
{
    /// <param name="keepDims">Keep the spatial axes with length 1.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public GlobalAveragePooling2D(bool keepDims = false, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        KeepDims = keepDims;
    }

    /// <summary>Whether the spatial axes are kept with length 1: (batch, 1, 1, channels) (Keras's <c>keepdims</c>, default false).</summary>
    public bool KeepDims { get; }
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 3;
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => inputs.mean(new long[] { 1, 2 }, keepdim: KeepDims);
    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => KeepDims ? new Shape(1, 1, inputShape[2]) : new Shape(inputShape[2]);
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("keep_dims", KeepDims);
}
