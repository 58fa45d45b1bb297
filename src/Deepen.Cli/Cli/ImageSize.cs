using System.Globalization;

namespace Deepen.Cli;

/// <summary>Parses <c>--image-size</c>: "N" for N×N, or "WxH" (width × height).</summary>
public static class ImageSize
{
    /// <summary>Returns (height, width).</summary>
    public static (int Height, int Width) Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        string[] parts = t.Split('x');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 && v <= 4096))
        {
            int w = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int h = parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : w;
            return (h, w);
        }
        throw new CliException(ExitCodes.Usage, $"Invalid value for --image-size: \"{text}\". Expected N (a square N×N) or WxH, e.g. 150 or 160x120, with sides between 1 and 4096.");
    }
}
