using Deepen.Utils;
using Deepen.Ops;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The base of the Keras 3 random image preprocessing layers (<see cref="RandomFlip"/>, <see cref="RandomRotation"/>,
/// <see cref="RandomZoom"/>, <see cref="RandomTranslation"/>, <see cref="RandomContrast"/>): they transform each image
/// of a [batch, height, width, channels] batch with its own random draw when <c>training</c> is true, and pass
/// inputs through unchanged at inference. Draws come from a <see cref="Random"/> seeded by <c>seed</c> (or, without
/// one, from <see cref="Backend.SetRandomSeed"/> when set), so seeded runs repeat. Geometric layers share the batched
/// affine warp of <see cref="Data.Images.ImageDataGenerator"/>.
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new RandomFlip("horizontal", inputShape: (150, 150, 3)),
///     new RandomRotation(0.1),
///     new Rescaling(1 / 255.0),
///     new Conv2D(32, 3, activation: "relu"));
/// </code></example>
public abstract class RandomImageLayer : Layer
{
    readonly Random _random;

    /// <summary>Stores the seed and the common layer arguments.</summary>
    protected RandomImageLayer(int? seed, string? name, Shape? inputShape) : base(name, inputShape)
    {
        Seed = seed;
        _random = new Random(seed ?? Seeds.NewDefault());
    }

    /// <summary>The seed given to the constructor, if any.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 3;

    /// <summary>The transformed batch when <paramref name="training"/> is true, otherwise the inputs unchanged.</summary>
    public sealed override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!training) return inputs.alias();
        if (inputs.dim() != 4)
            throw new ArgumentException($"Layer \"{Name}\" expects images [batch, height, width, channels], received a tensor of shape ({string.Join(", ", inputs.shape)}).", nameof(inputs));
        lock (_random) return Transform(inputs.is_floating_point() ? inputs : inputs.to(ScalarType.Float32), _random);
    }

    /// <summary>Transforms a float batch, drawing each sample's parameters from <paramref name="random"/> in order.</summary>
    protected abstract Tensor Transform(Tensor images, Random random);

    /// <summary>Warps each image with its own sampling map (shared machinery of the geometric layers).</summary>
    private protected static Tensor Warp(Tensor images, IReadOnlyList<Affine2D> maps, FillMode fill, double fillValue, Interpolation interpolation) =>
        AffineWarp.Apply(images, maps, fill, fillValue, interpolation);

    /// <summary>Parses a Keras interpolation name, accepting only what geometric warps support.</summary>
    private protected static Interpolation WarpInterpolation(string interpolation)
    {
        var value = EnumText.Parse<Interpolation>(interpolation, nameof(interpolation));
        return value is Interpolation.Nearest or Interpolation.Bilinear ? value
            : throw Utils.Check.Invalid(nameof(interpolation), interpolation, "\"nearest\" or \"bilinear\"");
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("seed", Seed);

    private protected static int? SeedOf(LayerConfig c) => c.Has("seed") ? c.GetInt("seed") : null;
}
