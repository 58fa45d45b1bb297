using Deepen.Utils;

namespace Deepen.Layers;

/// <summary>
/// A random range for the Keras 3 preprocessing layers: a float f means [−f, f]; a pair (lower, upper) is used as
/// is. What the values mean (a fraction of a full turn, of the height, a zoom amount) depends on the layer.
/// </summary>
/// <example><code>new RandomRotation(0.1);            // [-0.1, 0.1] of a full turn
/// new RandomZoom((-0.3, -0.1));      // zoom in by 10–30 %</code></example>
public readonly record struct RandomFactor(double Lower, double Upper)
{
    /// <summary>[−|f|, |f|].</summary>
    public static implicit operator RandomFactor(double f) => new(-Math.Abs(f), Math.Abs(f));
    /// <summary>[lower, upper].</summary>
    public static implicit operator RandomFactor((double Lower, double Upper) range) => new(range.Lower, range.Upper);

    internal RandomFactor Validate(string argument, double min = -1, double max = 1)
    {
        if (!(Lower >= min && Upper <= max && Lower <= Upper))
            throw Check.Invalid(argument, new[] { Lower, Upper }, $"a float or a pair (lower, upper) with {min} <= lower <= upper <= {max}");
        return this;
    }

    internal double Sample(Random random) => Lower + (Upper - Lower) * random.NextDouble();

    internal double[] ToArray() => new[] { Lower, Upper };

    internal static RandomFactor FromArray(double[] values) => values.Length == 2 ? new(values[0], values[1])
        : throw new FormatException($"A random factor needs 2 values (lower, upper), received {Check.Format(values)}.");

    /// <inheritdoc/>
    public override string ToString() => $"({Lower}, {Upper})";
}
