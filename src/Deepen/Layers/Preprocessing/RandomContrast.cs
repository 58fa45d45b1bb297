using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Changes each image's contrast by a random factor during training, as Keras 3's RandomContrast: per image a
/// factor c in [1 − lower, 1 + upper] is drawn and every channel becomes (x − mean) · c + mean (mean over that
/// channel's pixels), then values are clipped to <c>valueRange</c>.
/// </summary>
/// <example><code>new RandomContrast(0.2)                  // c in [0.8, 1.2]
/// new RandomContrast((0.5, 0.1), valueRange: (0, 1))</code></example>
public sealed class RandomContrast : RandomImageLayer
{
    /// <param name="factor">f for [1 − f, 1 + f].</param>
    /// <param name="valueRange">The range outputs are clipped to; default (0, 255).</param>
    /// <param name="seed">Seed of the random draws.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public RandomContrast(double factor, (double Min, double Max)? valueRange = null, int? seed = null, string? name = null, Shape? inputShape = null)
        : this((factor, factor), valueRange, seed, name, inputShape) { }

    /// <param name="factor">(lower, upper) for [1 − lower, 1 + upper], as Keras's tuple form.</param>
    /// <param name="valueRange">The range outputs are clipped to; default (0, 255).</param>
    /// <param name="seed">Seed of the random draws.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public RandomContrast((double Lower, double Upper) factor, (double Min, double Max)? valueRange = null, int? seed = null,
        string? name = null, Shape? inputShape = null) : base(seed, name, inputShape)
    {
        if (!(factor.Lower >= 0 && factor.Lower <= 1 && factor.Upper >= 0 && double.IsFinite(factor.Upper)))
            throw Check.Invalid(nameof(factor), new[] { factor.Lower, factor.Upper }, "a float in [0, 1] or a pair (lower, upper) with 0 <= lower <= 1 and upper >= 0");
        Lower = factor.Lower;
        Upper = factor.Upper;
        ValueRange = valueRange ?? (0, 255);
        if (!(ValueRange.Min < ValueRange.Max)) throw Check.Invalid(nameof(valueRange), new[] { ValueRange.Min, ValueRange.Max }, "a pair (min, max) with min < max");
    }

    /// <summary>The factor's lower amount: contrast goes down to 1 − Lower.</summary>
    public double Lower { get; }
    /// <summary>The factor's upper amount: contrast goes up to 1 + Upper.</summary>
    public double Upper { get; }
    /// <summary>The range outputs are clipped to.</summary>
    public (double Min, double Max) ValueRange { get; }

    /// <inheritdoc/>
    protected override Tensor Transform(Tensor images, Random random)
    {
        var factors = new float[images.shape[0]];
        for (int i = 0; i < factors.Length; i++) factors[i] = (float)(1 - Lower + (Lower + Upper) * random.NextDouble());
        using var scope = NewDisposeScope();
        var c = tensor(factors, device: images.device).view(-1, 1, 1, 1);
        var mean = images.mean(new long[] { 1, 2 }, keepdim: true);
        var result = ((images - mean) * c + mean).clamp(ValueRange.Min, ValueRange.Max);
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("factor", new[] { Lower, Upper })
        .Set("value_range", new[] { ValueRange.Min, ValueRange.Max });
    internal static Layer FromConfig(LayerConfig c)
    {
        var f = c.GetDoubles("factor");
        var r = c.GetDoubles("value_range");
        return new RandomContrast((f[0], f[1]), (r[0], r[1]), SeedOf(c));
    }
}
