using Deepen.Utils;
using Deepen.Ops;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Shifts each image by a random fraction of its size during training, as Keras 3's RandomTranslation: positive
/// height factors move the content down, positive width factors move it right.
/// </summary>
/// <example><code>new RandomTranslation(0.1, 0.2, fillMode: "constant")</code></example>
public sealed class RandomTranslation : RandomImageLayer
{
    /// <param name="heightFactor">Vertical shift as a fraction of the height: f for [−f, f], or (lower, upper).</param>
    /// <param name="widthFactor">Horizontal shift as a fraction of the width.</param>
    /// <param name="fillMode">"reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed of the random draws.</param>
    /// <param name="fillValue">The value outside the image for fillMode "constant".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public RandomTranslation(RandomFactor heightFactor, RandomFactor widthFactor, string fillMode = "reflect",
        string interpolation = "bilinear", int? seed = null, double fillValue = 0, string? name = null, Shape? inputShape = null)
        : base(seed, name, inputShape)
    {
        HeightFactor = heightFactor.Validate(nameof(heightFactor));
        WidthFactor = widthFactor.Validate(nameof(widthFactor));
        FillMode = EnumText.Parse<FillMode>(fillMode, nameof(fillMode));
        Interpolation = WarpInterpolation(interpolation);
        FillValue = fillValue;
    }

    /// <summary>The vertical shift range, as fractions of the height.</summary>
    public RandomFactor HeightFactor { get; }
    /// <summary>The horizontal shift range, as fractions of the width.</summary>
    public RandomFactor WidthFactor { get; }
    /// <summary>How points outside the image are filled.</summary>
    public FillMode FillMode { get; }
    /// <summary>Sampling: nearest or bilinear.</summary>
    public Interpolation Interpolation { get; }
    /// <summary>The fill value for fillMode "constant".</summary>
    public double FillValue { get; }

    /// <inheritdoc/>
    protected override Tensor Transform(Tensor images, Random random)
    {
        int h = (int)images.shape[1], w = (int)images.shape[2];
        var maps = new Affine2D[images.shape[0]];
        for (int i = 0; i < maps.Length; i++)
        {
            double dy = HeightFactor.Sample(random) * h, dx = WidthFactor.Sample(random) * w;
            maps[i] = Affine2D.Translation(-dx, -dy);                       // content moves by (dx, dy)
        }
        return Warp(images, maps, FillMode, FillValue, Interpolation);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("height_factor", HeightFactor.ToArray())
        .Set("width_factor", WidthFactor.ToArray()).Set("fill_mode", EnumText.ToKeras(FillMode))
        .Set("interpolation", EnumText.ToKeras(Interpolation)).Set("fill_value", FillValue);
    internal static Layer FromConfig(LayerConfig c) => new RandomTranslation(RandomFactor.FromArray(c.GetDoubles("height_factor")),
        RandomFactor.FromArray(c.GetDoubles("width_factor")), c.GetString("fill_mode"), c.GetString("interpolation"), SeedOf(c), c.GetDouble("fill_value"));
}
