namespace Deepen.Data.Images;

/// <summary>
/// The channels images are converted to, as Keras's <c>color_mode</c>: "rgb" (3), "grayscale" (1, PIL's
/// luma L = 0.299 R + 0.587 G + 0.114 B) or "rgba" (4). String options accept these names.
/// </summary>
/// <example><code>gen.FlowFromDirectory("data/train", colorMode: "grayscale");</code></example>
public enum ColorMode
{
    /// <summary>Three channels, red, green, blue; alpha is dropped.</summary>
    Rgb,
    /// <summary>One luma channel.</summary>
    Grayscale,
    /// <summary>Four channels, with alpha (255 where the file has none).</summary>
    Rgba,
}

internal static class ColorModes
{
    public static int Channels(this ColorMode mode) => mode switch { ColorMode.Grayscale => 1, ColorMode.Rgba => 4, _ => 3 };
}
