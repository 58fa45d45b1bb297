using Deepen.Utils;

namespace Deepen.Data.Images;

/// <summary>
/// Keras's <c>zoom_range</c>: a float z means [1 − z, 1 + z]; a pair (lower, upper) is used as is. Factors are
/// sampling scales, so values below 1 zoom in and values above 1 zoom out, as in Keras.
/// </summary>
/// <example><code>new ImageDataGenerator(zoomRange: 0.2);          // [0.8, 1.2]
/// new ImageDataGenerator(zoomRange: (0.5, 1.0));   // zoom in only</code></example>
public readonly record struct ZoomRange(double Lower, double Upper)
{
    /// <summary>[1 − z, 1 + z].</summary>
    public static implicit operator ZoomRange(double z) => new(1 - z, 1 + z);
    /// <summary>[lower, upper].</summary>
    public static implicit operator ZoomRange((double Lower, double Upper) range) => new(range.Lower, range.Upper);

    /// <summary>Whether the range leaves images unscaled.</summary>
    public bool IsIdentity => Lower == 1 && Upper == 1;

    internal ZoomRange Validate(string argument)
    {
        if (!(Lower > 0 && Upper >= Lower && double.IsFinite(Upper)))
            throw Check.Invalid(argument, new[] { Lower, Upper }, "a float z in [0, 1) (meaning [1 - z, 1 + z]) or a pair (lower, upper) with 0 < lower <= upper");
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => $"[{Lower}, {Upper}]";
}
