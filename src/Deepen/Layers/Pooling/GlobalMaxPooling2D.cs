using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>The maximum of each channel over rows and columns: (batch, rows, cols, channels) → (batch, channels), as Keras's GlobalMaxPooling2D.</summary>
/// <example><code>new GlobalMaxPooling2D()</code></example>
public sealed class GlobalMaxPooling2D : Layer
{
    /// <param name="keepDims">Keep the spatial axes with length 1.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public GlobalMaxPooling2D(bool keepDims = false, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        KeepDims = keepDims;
    }

    /// <summary>Whether the spatial axes stay, with length 1.</summary>
    public bool KeepDims { get; }
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 3;
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => inputs.amax(new long[] { 1, 2 }, keepdim: KeepDims);
    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => KeepDims ? new Shape(1, 1, inputShape[2]) : new Shape(inputShape[2]);
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("keep_dims", KeepDims);
}
