using Deepen.Ops;

namespace Deepen.Data.Images;

/// <summary>
/// One image's random transform, as the dictionary of Keras's <c>get_random_transform</c> /
/// <c>apply_transform</c>. Angles are in degrees; shifts in pixels (Tx to the right is horizontal, Ty vertical);
/// Zx/Zy are sampling scales (above 1 zooms out).
/// </summary>
/// <example><code>
/// var p = new TransformParameters { Shear = 20, Zx = 0.8, Zy = 0.8, FlipHorizontal = true };
/// Tensor warped = generator.ApplyTransform(image, p);
/// </code></example>
public sealed record TransformParameters
{
    /// <summary>Rotation in degrees; positive values turn the content counter-clockwise.</summary>
    public double Theta { get; init; }
    /// <summary>Horizontal sampling shift in pixels: output pixel x samples input x + Tx, so the content moves left.</summary>
    public double Tx { get; init; }
    /// <summary>Vertical sampling shift in pixels: output row y samples input row y + Ty, so the content moves up.</summary>
    public double Ty { get; init; }
    /// <summary>Shear angle in degrees (Keras's map: x_in = x − sin(s)·y, y_in = cos(s)·y, about the centre).</summary>
    public double Shear { get; init; }
    /// <summary>Horizontal zoom (sampling scale).</summary>
    public double Zx { get; init; } = 1;
    /// <summary>Vertical zoom (sampling scale).</summary>
    public double Zy { get; init; } = 1;
    /// <summary>Mirror left-right.</summary>
    public bool FlipHorizontal { get; init; }
    /// <summary>Mirror top-bottom.</summary>
    public bool FlipVertical { get; init; }
    /// <summary>Added to every channel, then clipped to the image's range (Keras's channel shift).</summary>
    public double ChannelShiftIntensity { get; init; }
    /// <summary>Brightness factor (1 leaves the image unchanged), or null for none.</summary>
    public double? Brightness { get; init; }

    /// <summary>
    /// The sampling map in centred pixel coordinates: rotation, then shift, shear and zoom (Keras's composition
    /// order), then the flips (which Keras applies after the affine transform).
    /// </summary>
    internal Affine2D ToAffine()
    {
        const double Deg = Math.PI / 180;
        var m = Affine2D.Identity;
        if (Theta != 0) m = Affine2D.Rotation(Theta * Deg);
        if (Tx != 0 || Ty != 0) m = m * Affine2D.Translation(Tx, Ty);
        if (Shear != 0) m = m * Affine2D.Shear(Shear * Deg);
        if (Zx != 1 || Zy != 1) m = m * Affine2D.Zoom(Zx, Zy);
        if (FlipHorizontal || FlipVertical) m = m * Affine2D.Flip(FlipHorizontal, FlipVertical);
        return m;
    }
}
