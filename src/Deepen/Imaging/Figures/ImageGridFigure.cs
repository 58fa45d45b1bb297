using SkiaSharp;

namespace Deepen.Imaging.Figures;

/// <summary>
/// A grid of captioned images drawn with SkiaSharp: the seed's 5×5 prediction grid and the top-loss grid. Small
/// images are enlarged by a whole factor (nearest neighbour, so pixels stay crisp) to at least
/// <see cref="MinImageSide"/> pixels; large ones are shrunk smoothly to <see cref="MaxImageSide"/>.
/// </summary>
internal static class ImageGridFigure
{
    public const int MinImageSide = 96;
    public const int MaxImageSide = 192;
    public const int MinCellWidth = 200;
    const int Margin = 16, Gap = 12, Pad = 8, Frame = 4, HeadingHeight = 36, HeadingLineHeight = 24, LineHeight = 19;
    const float HeadingSize = 18, CaptionSize = 14;

    /// <summary>The drawn size of an image of <paramref name="height"/> × <paramref name="width"/> pixels.</summary>
    public static (int Height, int Width) ImageSize(int height, int width)
    {
        int side = Math.Max(height, width);
        if (side < MinImageSide)
        {
            int factor = (MinImageSide + side - 1) / side;
            return (height * factor, width * factor);
        }
        if (side > MaxImageSide)
        {
            double scale = (double)MaxImageSide / side;
            return (Math.Max(1, (int)Math.Round(height * scale)), Math.Max(1, (int)Math.Round(width * scale)));
        }
        return (height, width);
    }

    /// <summary>
    /// The figure's size for <paramref name="count"/> tiles of the given image size and caption lines, with a heading
    /// of <paramref name="headingLines"/> lines (long headings wrap rather than being cut off).
    /// </summary>
    public static (int Width, int Height) Measure(int count, int columns, int imageHeight, int imageWidth, int lines, int headingLines = 1)
    {
        var (h, w) = ImageSize(imageHeight, imageWidth);
        int cellW = Math.Max(w, MinCellWidth) + 2 * Pad, cellH = Pad + lines * LineHeight + Pad + h + Pad;
        int cols = Math.Min(columns, Math.Max(count, 1)), rows = Math.Max(1, (count + columns - 1) / columns);
        return (2 * Margin + cols * cellW + (cols - 1) * Gap,
            2 * Margin + HeadingBand(headingLines) + rows * cellH + (rows - 1) * Gap);
    }

    static int HeadingBand(int headingLines) => HeadingHeight + (Math.Max(1, headingLines) - 1) * HeadingLineHeight;

    /// <summary>The heading's lines for a figure of <paramref name="width"/> pixels.</summary>
    static IReadOnlyList<string> HeadingLines(string heading, int width)
    {
        using var font = FigureStyle.Font(HeadingSize, bold: true);
        return FigureStyle.Wrap(heading, font, width - 2 * Margin);
    }

    public static RenderedFigure Render(string fileName, string heading, IReadOnlyList<GridTile> tiles, int columns, (float Low, float High) range)
    {
        int imageH = tiles.Count == 0 ? MinImageSide : tiles.Max(t => t.Image.Height);
        int imageW = tiles.Count == 0 ? MinImageSide : tiles.Max(t => t.Image.Width);
        int lines = tiles.Count == 0 ? 0 : tiles.Max(t => t.Lines.Count);
        var (width, _) = Measure(tiles.Count, columns, imageH, imageW, lines);
        var headingLines = HeadingLines(heading, width);
        var (_, height) = Measure(tiles.Count, columns, imageH, imageW, lines, headingLines.Count);
        var (drawH, drawW) = ImageSize(imageH, imageW);
        int cellW = Math.Max(drawW, MinCellWidth) + 2 * Pad, cellH = Pad + lines * LineHeight + Pad + drawH + Pad;

        using var surface = FigureStyle.NewSurface(width, height);
        var canvas = surface.Canvas;
        using (var font = FigureStyle.Font(HeadingSize, bold: true))
        using (var paint = FigureStyle.Fill(FigureStyle.Text))
            for (int i = 0; i < headingLines.Count; i++)
                canvas.DrawText(headingLines[i], Margin, Margin + HeadingSize + i * HeadingLineHeight, SKTextAlign.Left, font, paint);

        using var regular = FigureStyle.Font(CaptionSize);
        using var bold = FigureStyle.Font(CaptionSize, bold: true);
        for (int i = 0; i < tiles.Count; i++)
        {
            int x = Margin + i % columns * (cellW + Gap), y = Margin + HeadingBand(headingLines.Count) + i / columns * (cellH + Gap);
            DrawTile(canvas, tiles[i], x, y, cellW, cellH, drawH, drawW, lines, regular, bold, range);
        }
        return FigureStyle.Encode(fileName, surface, width, height);
    }

    static void DrawTile(SKCanvas canvas, GridTile tile, int x, int y, int cellW, int cellH, int drawH, int drawW, int lines,
        SKFont regular, SKFont bold, (float Low, float High) range)
    {
        using (var border = FigureStyle.Stroke(new SKColor(0xDD, 0xDD, 0xDD), 1))
            canvas.DrawRect(x + 0.5f, y + 0.5f, cellW - 1, cellH - 1, border);
        float textY = y + Pad + CaptionSize;
        foreach (var (text, color, isBold) in tile.Lines)
        {
            var font = isBold ? bold : regular;
            using var paint = FigureStyle.Fill(color);
            canvas.DrawText(FigureStyle.Fit(text, font, cellW - 2 * Pad), x + cellW / 2f, textY, SKTextAlign.Center, font, paint);
            textY += LineHeight;
        }

        var (h, w) = ImageSize(tile.Image.Height, tile.Image.Width);
        float left = x + (cellW - w) / 2f, top = y + Pad + lines * LineHeight + Pad + (drawH - h) / 2f;
        var dest = SKRect.Create(left, top, w, h);
        using (var bitmap = tile.Image.ToBitmap(range))
        using (var image = SKImage.FromBitmap(bitmap))
        {
            var sampling = w >= tile.Image.Width
                ? new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None)
                : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
            canvas.DrawImage(image, dest, sampling);
        }
        if (tile.Frame is SKColor frame)
        {
            using var stroke = FigureStyle.Stroke(frame, Frame);
            var r = dest;
            r.Inflate(Frame / 2f + 1, Frame / 2f + 1);
            canvas.DrawRect(r, stroke);
        }
    }
}
