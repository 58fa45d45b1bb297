using Deepen.Ops;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Mirrors each image with probability 1/2 during training, as Keras 3's RandomFlip: mode "horizontal"
/// (left-right), "vertical" (top-bottom) or "horizontal_and_vertical" (each axis independently).
/// </summary>
/// <example><code>new RandomFlip("horizontal", seed: 1)</code></example>
public sealed class RandomFlip : RandomImageLayer
{
    /// <param name="mode">"horizontal", "vertical" or "horizontal_and_vertical".</param>
    /// <param name="seed">Seed of the random draws.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public RandomFlip(string mode = "horizontal_and_vertical", int? seed = null, string? name = null, Shape? inputShape = null)
        : base(seed, name, inputShape)
    {
        Mode = Check.OneOf(mode, nameof(mode), "horizontal", "vertical", "horizontal_and_vertical");
    }

    /// <summary>"horizontal", "vertical" or "horizontal_and_vertical".</summary>
    public string Mode { get; }

    /// <inheritdoc/>
    protected override Tensor Transform(Tensor images, Random random)
    {
        bool h = Mode != "vertical", v = Mode != "horizontal";
        var maps = new Affine2D[images.shape[0]];
        for (int i = 0; i < maps.Length; i++)
            maps[i] = Affine2D.Flip(h && random.NextDouble() < 0.5, v && random.NextDouble() < 0.5);
        return Warp(images, maps, FillMode.Nearest, 0, Interpolation.Nearest);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("mode", Mode);
    internal static Layer FromConfig(LayerConfig c) => new RandomFlip(c.GetString("mode"), SeedOf(c));
}
