using System.Globalization;
using Deepen.Data.Images;

namespace Deepen.Cli;

/// <summary>
/// Parses <c>--augment</c>: comma-separated items with ImageDataGenerator's meanings — <c>shear=0.2</c> (degrees, as
/// Keras's <c>shear_range</c>), <c>zoom=0.2</c> (factors 0.8–1.2), <c>rotation=15</c> (degrees), <c>shift=0.1</c>
/// (fraction of width and height), <c>brightness=0.2</c> (factors 0.8–1.2), <c>flip</c> (horizontal), <c>vflip</c>.
/// </summary>
public sealed record AugmentSpec(double Shear, double Zoom, double Rotation, double Shift, bool Flip, bool VerticalFlip, double Brightness)
{
    /// <summary>No augmentation.</summary>
    public static readonly AugmentSpec None = new(0, 0, 0, 0, false, false, 0);

    /// <summary>Parses the option's text ("none" or empty for no augmentation).</summary>
    public static AugmentSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)) return None;
        var spec = None;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] kv = raw.Split('=', 2, StringSplitOptions.TrimEntries);
            string key = kv[0].ToLowerInvariant();
            double Value()
            {
                if (kv.Length == 2 && double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)) return v;
                throw new CliException(ExitCodes.Usage, $"Invalid --augment item \"{raw}\": expected {key}=NUMBER with a non-negative number, e.g. {key}=0.2.");
            }
            spec = key switch
            {
                "shear" => spec with { Shear = Value() },
                "zoom" => spec with { Zoom = Value() is var z && z < 1 ? z
                    : throw new CliException(ExitCodes.Usage, $"Invalid --augment item \"{raw}\": zoom=F needs F in [0, 1) (zoom factors 1-F to 1+F), e.g. zoom=0.2.") },
                "rotation" or "rotate" => spec with { Rotation = Value() },
                "shift" => spec with { Shift = Value() },
                "brightness" => spec with { Brightness = Value() },
                "flip" or "hflip" when kv.Length == 1 => spec with { Flip = true },
                "vflip" when kv.Length == 1 => spec with { VerticalFlip = true },
                _ => throw new CliException(ExitCodes.Usage,
                    $"Unknown --augment item \"{raw}\". Expected a comma-separated list of shear=F, zoom=F, rotation=DEG, shift=F, brightness=F, flip, vflip (e.g. shear=0.2,zoom=0.2,flip)."),
            };
        }
        return spec;
    }

    /// <summary>An ImageDataGenerator with these augmentations (no rescaling: the models rescale themselves).</summary>
    public ImageDataGenerator Generator(double validationSplit) => new(
        rotationRange: Rotation, widthShiftRange: Shift, heightShiftRange: Shift, shearRange: Shear, zoomRange: Zoom,
        horizontalFlip: Flip, verticalFlip: VerticalFlip,
        brightnessRange: Brightness > 0 ? (Math.Max(0, 1 - Brightness), 1 + Brightness) : null,
        validationSplit: validationSplit);

    /// <inheritdoc/>
    public override string ToString()
    {
        var items = new List<string>();
        if (Shear > 0) items.Add(FormattableString.Invariant($"shear={Shear}"));
        if (Zoom > 0) items.Add(FormattableString.Invariant($"zoom={Zoom}"));
        if (Rotation > 0) items.Add(FormattableString.Invariant($"rotation={Rotation}"));
        if (Shift > 0) items.Add(FormattableString.Invariant($"shift={Shift}"));
        if (Brightness > 0) items.Add(FormattableString.Invariant($"brightness={Brightness}"));
        if (Flip) items.Add("flip");
        if (VerticalFlip) items.Add("vflip");
        return items.Count == 0 ? "none" : string.Join(",", items);
    }
}
