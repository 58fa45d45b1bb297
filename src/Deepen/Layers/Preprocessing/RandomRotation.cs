using Deepen.Utils;
using Deepen.Ops;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Rotates each image by a random angle during training, as Keras 3's RandomRotation. The angle is
/// <c>factor</c> × 2π: 0.1 means up to ±36°; positive values rotate counter-clockwise.
/// </summary>
/// <example><code>new RandomRotation(0.1, fillMode: "constant", fillValue: 0)</code></example>
public sealed class RandomRotation : RandomImageLayer
{
    /// <param name="factor">Fraction of a full turn: f for [−f, f], or (lower, upper).</param>
    /// <param name="fillMode">"reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed of the random draws.</param>
    /// <param name="fillValue">The value outside the image for fillMode "constant".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public RandomRotation(RandomFactor factor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null,
        double fillValue = 0, string? name = null, Shape? inputShape = null) : base(seed, name, inputShape)
    {
        Factor = factor.Validate(nameof(factor));
        FillMode = EnumText.Parse<FillMode>(fillMode, nameof(fillMode));
        Interpolation = WarpInterpolation(interpolation);
        FillValue = fillValue;
    }

    /// <summary>The rotation range, as fractions of a full turn.</summary>
    public RandomFactor Factor { get; }
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
        for (int i = 0; i < maps.Length; i++) maps[i] = Affine2D.Rotation(Factor.Sample(random) * 2 * Math.PI);
        return Warp(images, maps, FillMode, FillValue, Interpolation);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("factor", Factor.ToArray())
        .Set("fill_mode", EnumText.ToKeras(FillMode)).Set("interpolation", EnumText.ToKeras(Interpolation)).Set("fill_value", FillValue);
    internal static Layer FromConfig(LayerConfig c) => new RandomRotation(RandomFactor.FromArray(c.GetDoubles("factor")),
        c.GetString("fill_mode"), c.GetString("interpolation"), SeedOf(c), c.GetDouble("fill_value"));
}
