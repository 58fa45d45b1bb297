using Deepen.Utils;
using Deepen.Ops;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Zooms each image by a random amount during training, as Keras 3's RandomZoom: a factor f scales by 1 + f, so
/// positive values zoom out and negative values zoom in. Without <c>widthFactor</c> both axes use the height's draw
/// (the aspect ratio is kept).
/// </summary>
/// <example><code>new RandomZoom(0.2)                       // zoom in or out by up to 20 %
/// new RandomZoom((-0.3, -0.1), (-0.2, 0.2))  // zoom in vertically, either way horizontally</code></example>
public sealed class RandomZoom : RandomImageLayer
{
    /// <param name="heightFactor">Vertical zoom amount: f for [−f, f], or (lower, upper), within [−1, 1].</param>
    /// <param name="widthFactor">Horizontal zoom amount, or null to reuse the vertical draw.</param>
    /// <param name="fillMode">"reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed of the random draws.</param>
    /// <param name="fillValue">The value outside the image for fillMode "constant".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public RandomZoom(RandomFactor heightFactor, RandomFactor? widthFactor = null, string fillMode = "reflect",
        string interpolation = "bilinear", int? seed = null, double fillValue = 0, string? name = null, Shape? inputShape = null)
        : base(seed, name, inputShape)
    {
        HeightFactor = heightFactor.Validate(nameof(heightFactor));
        if (HeightFactor.Lower <= -1) throw Utils.Check.Invalid(nameof(heightFactor), HeightFactor.ToArray(), "a lower bound above -1 (a zoom of 1 + f must stay positive)");
        WidthFactor = widthFactor?.Validate(nameof(widthFactor));
        if (WidthFactor is { Lower: <= -1 }) throw Utils.Check.Invalid(nameof(widthFactor), WidthFactor.Value.ToArray(), "a lower bound above -1");
        FillMode = EnumText.Parse<FillMode>(fillMode, nameof(fillMode));
        Interpolation = WarpInterpolation(interpolation);
        FillValue = fillValue;
    }

    /// <summary>The vertical zoom range (zoom = 1 + factor).</summary>
    public RandomFactor HeightFactor { get; }
    /// <summary>The horizontal zoom range, or null to reuse the vertical draw.</summary>
    public RandomFactor? WidthFactor { get; }
    /// <summary>How points outside the image are filled.</summary>
    public FillMode FillMode { get; }
    /// <summary>Sampling: nearest or bilinear.</summary>
    public Interpolation Interpolation { get; }
    /// <summary>The fill value for fillMode "constant".</summary>
    public double FillValue { get; }

    /// <inheritdoc/>
    protected override Tensor Transform(Tensor images, Random random)
    {
        var maps = new Affine2D[images.shape[0]];
        for (int i = 0; i < maps.Length; i++)
        {
            double zy = 1 + HeightFactor.Sample(random);
            double zx = WidthFactor is RandomFactor w ? 1 + w.Sample(random) : zy;
            maps[i] = Affine2D.Zoom(zx, zy);
        }
        return Warp(images, maps, FillMode, FillValue, Interpolation);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("height_factor", HeightFactor.ToArray())
        .Set("width_factor", WidthFactor?.ToArray()).Set("fill_mode", EnumText.ToKeras(FillMode))
        .Set("interpolation", EnumText.ToKeras(Interpolation)).Set("fill_value", FillValue);
    internal static Layer FromConfig(LayerConfig c) => new RandomZoom(RandomFactor.FromArray(c.GetDoubles("height_factor")),
        c.Has("width_factor") ? RandomFactor.FromArray(c.GetDoubles("width_factor")) : null,
        c.GetString("fill_mode"), c.GetString("interpolation"), SeedOf(c), c.GetDouble("fill_value"));
}
