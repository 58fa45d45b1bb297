using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Repeats rows and columns <c>size</c> times, as Keras's UpSampling2D: "nearest" repeats each pixel, "bilinear"
/// interpolates (half-pixel centers, as Keras's image resize). (batch, rows, cols, channels) →
/// (batch, rows·size.Rows, cols·size.Cols, channels).
/// </summary>
/// <example><code>new UpSampling2D(size: (2, 2), interpolation: "nearest")</code></example>
public sealed class UpSampling2D : Layer
{
    /// <param name="size">The upsampling factors for rows and columns (Keras's default (2, 2)).</param>
    /// <param name="interpolation">"nearest" (default) or "bilinear".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public UpSampling2D(Size2? size = null, string interpolation = "nearest", string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Size = (size ?? new Size2(2, 2)).Validate(nameof(size));
        Interpolation = Check.OneOf(interpolation, nameof(interpolation), "nearest", "bilinear");
    }

    /// <summary>The factors for rows and columns.</summary>
    public Size2 Size { get; }
    /// <summary>"nearest" or "bilinear".</summary>
    public string Interpolation { get; }
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 3;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (Interpolation == "nearest")
            return inputs.repeat_interleave(Size.Rows, 1).repeat_interleave(Size.Cols, 2);
        using var scope = NewDisposeScope();
        var nchw = FloatInputs(inputs).permute(0, 3, 1, 2);
        var up = nn.functional.interpolate(nchw, size: new[] { inputs.shape[1] * Size.Rows, inputs.shape[2] * Size.Cols },
            mode: InterpolationMode.Bilinear, align_corners: false);
        return up.permute(0, 2, 3, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(inputShape[0] * Size.Rows, inputShape[1] * Size.Cols, inputShape[2]);
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("size", Size).Set("interpolation", Interpolation);
}
