namespace Deepen.Ops;

/// <summary>
/// A 2×3 affine map in pixel units, centred on the image: (x, y) with x to the right, y down and the origin at the
/// image centre. Augmentation matrices map an OUTPUT pixel to the INPUT point it samples, as
/// <c>scipy.ndimage.affine_transform</c> (which Keras uses) and <c>affine_grid</c> do:
/// x_in = A·x + B·y + C, y_in = D·x + E·y + F.
/// </summary>
internal readonly record struct Affine2D(double A, double B, double C, double D, double E, double F)
{
    public static readonly Affine2D Identity = new(1, 0, 0, 0, 1, 0);

    /// <summary>Rotation by <paramref name="radians"/> (Keras's rotation matrix [[cos, -sin], [sin, cos]]).</summary>
    public static Affine2D Rotation(double radians) =>
        new(Math.Cos(radians), -Math.Sin(radians), 0, Math.Sin(radians), Math.Cos(radians), 0);

    /// <summary>Sampling offset (<paramref name="tx"/>, <paramref name="ty"/>) pixels: content moves by minus that.</summary>
    public static Affine2D Translation(double tx, double ty) => new(1, 0, tx, 0, 1, ty);

    /// <summary>Keras's shear: x_in = x − sin(s)·y, y_in = cos(s)·y (s in radians).</summary>
    public static Affine2D Shear(double radians) => new(1, -Math.Sin(radians), 0, 0, Math.Cos(radians), 0);

    /// <summary>Keras's zoom: sampling coordinates scaled by (zx, zy), so values above 1 zoom out.</summary>
    public static Affine2D Zoom(double zx, double zy) => new(zx, 0, 0, 0, zy, 0);

    /// <summary>Mirror image: horizontal flips x, vertical flips y.</summary>
    public static Affine2D Flip(bool horizontal, bool vertical) => new(horizontal ? -1 : 1, 0, 0, 0, vertical ? -1 : 1, 0);

    /// <summary>This map applied after <paramref name="inner"/> maps output points: (this ∘ inner)(p) = this(inner(p)).</summary>
    public Affine2D Then(Affine2D inner) => this * inner;

    public static Affine2D operator *(Affine2D m, Affine2D n) => new(
        m.A * n.A + m.B * n.D, m.A * n.B + m.B * n.E, m.A * n.C + m.B * n.F + m.C,
        m.D * n.A + m.E * n.D, m.D * n.B + m.E * n.E, m.D * n.C + m.E * n.F + m.F);

    public bool IsIdentity => this == Identity;

    /// <summary>True when the map only mirrors axes (no interpolation is needed).</summary>
    public bool IsFlipOnly => B == 0 && C == 0 && D == 0 && F == 0 && Math.Abs(A) == 1 && Math.Abs(E) == 1;

    /// <summary>
    /// The equivalent <c>affine_grid</c> theta for an image of <paramref name="height"/>×<paramref name="width"/>
    /// (normalized coordinates, align_corners=false), row-major 2×3.
    /// </summary>
    public void WriteTheta(Span<float> theta, int height, int width)
    {
        double hw = (double)height / width, wh = (double)width / height;
        theta[0] = (float)A; theta[1] = (float)(B * hw); theta[2] = (float)(2 * C / width);
        theta[3] = (float)(D * wh); theta[4] = (float)E; theta[5] = (float)(2 * F / height);
    }
}
