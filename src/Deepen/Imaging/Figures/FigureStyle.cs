using SkiaSharp;

namespace Deepen.Imaging.Figures;

/// <summary>Fonts, colours and text helpers shared by the report's figures, and PNG encoding.</summary>
internal static class FigureStyle
{
    /// <summary>The family the figures ask for; DejaVu ships with most Linux systems.</summary>
    public const string FamilyName = "DejaVu Sans";

    static readonly Lazy<SKTypeface> _regular = new(() => Load(SKFontStyle.Normal));
    static readonly Lazy<SKTypeface> _bold = new(() => Load(SKFontStyle.Bold));

    public static SKTypeface Regular => _regular.Value;
    public static SKTypeface Bold => _bold.Value;

    /// <summary>Whether DejaVu Sans was found (otherwise the default typeface is used).</summary>
    public static bool HasFamily => string.Equals(Regular.FamilyName, FamilyName, StringComparison.OrdinalIgnoreCase);

    public static readonly SKColor Text = new(0x20, 0x20, 0x20);
    public static readonly SKColor Muted = new(0x60, 0x60, 0x60);
    public static readonly SKColor Right = new(0x1A, 0x7F, 0x37);
    public static readonly SKColor Wrong = new(0xD0, 0x1C, 0x1C);
    public static readonly SKColor Background = SKColors.White;

    static SKTypeface Load(SKFontStyle style)
    {
        var face = SKTypeface.FromFamilyName(FamilyName, style);
        if (face is not null && string.Equals(face.FamilyName, FamilyName, StringComparison.OrdinalIgnoreCase)) return face;
        return face ?? SKTypeface.Default;
    }

    public static SKFont Font(float size, bool bold = false) => new(bold ? Bold : Regular, size) { Subpixel = true, Edging = SKFontEdging.Antialias };

    public static SKPaint Fill(SKColor color) => new() { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill };

    public static SKPaint Stroke(SKColor color, float width) => new() { Color = color, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = width };

    /// <summary><paramref name="text"/> shortened with an ellipsis so that it is at most <paramref name="maxWidth"/> wide.</summary>
    public static string Fit(string text, SKFont font, float maxWidth)
    {
        if (font.MeasureText(text) <= maxWidth) return text;
        const string ellipsis = "…";
        int lo = 0, hi = text.Length;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (font.MeasureText(text[..mid] + ellipsis) <= maxWidth) lo = mid; else hi = mid - 1;
        }
        return text[..lo] + ellipsis;
    }

    /// <summary>
    /// <paramref name="text"/> broken at spaces into lines at most <paramref name="maxWidth"/> wide (a single word wider
    /// than that is shortened with an ellipsis), so a heading is never cut off.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, SKFont font, float maxWidth)
    {
        var lines = new List<string>();
        string current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length > 0 && font.MeasureText(candidate) > maxWidth)
            {
                lines.Add(current);
                candidate = word;
            }
            current = candidate;
        }
        if (current.Length > 0 || lines.Count == 0) lines.Add(current);
        return lines.Select(l => Fit(l, font, maxWidth)).ToList();
    }

    /// <summary>A blank white canvas of the given size.</summary>
    public static SKSurface NewSurface(int width, int height)
    {
        var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} canvas.");
        surface.Canvas.Clear(Background);
        return surface;
    }

    /// <summary>The surface's pixels as a PNG figure.</summary>
    public static RenderedFigure Encode(string fileName, SKSurface surface, int width, int height)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode {fileName} as PNG.");
        return new RenderedFigure(fileName, data.ToArray(), width, height);
    }
}
