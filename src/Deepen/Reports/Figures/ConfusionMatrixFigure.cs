using Deepen.Imaging.Figures;
using System.Globalization;
using SkiaSharp;

namespace Deepen.Reports.Figures;

/// <summary>
/// The confusion matrix as a heatmap drawn with SkiaSharp: the count written in each cell, class names on both
/// axes ("True" down the side, "Predicted" along the bottom), each cell shaded by its share of the true class
/// (so a small class's errors show as clearly as a large one's). Cells shrink from 72 to 40 pixels as classes
/// grow; text stays at least 12 pixels high.
/// </summary>
internal static class ConfusionMatrixFigure
{
    const int Margin = 16, AxisTitleBand = 26, MaxNameWidth = 200;
    const float HeadingSize = 18, SubtitleSize = 13, LabelSize = 13, AxisTitleSize = 15;

    static readonly (float At, SKColor Color)[] Blues =
    {
        (0f, new SKColor(0xF7, 0xFB, 0xFF)), (0.25f, new SKColor(0xC6, 0xDB, 0xEF)), (0.5f, new SKColor(0x6B, 0xAE, 0xD6)),
        (0.75f, new SKColor(0x21, 0x71, 0xB5)), (1f, new SKColor(0x08, 0x30, 0x6B)),
    };

    /// <summary>The side of one cell for <paramref name="classes"/> classes.</summary>
    public static int CellSize(int classes) => Math.Clamp(640 / Math.Max(classes, 1), 40, 72);

    public static RenderedFigure Render(string fileName, ClassificationSummary summary)
    {
        int k = summary.Classes, cell = CellSize(k);
        var matrix = summary.ConfusionMatrix;
        using var labelFont = FigureStyle.Font(LabelSize);
        using var countFont = FigureStyle.Font(Math.Clamp(cell * 0.3f, 12f, 18f), bold: true);
        using var headingFont = FigureStyle.Font(HeadingSize, bold: true);
        using var subtitleFont = FigureStyle.Font(SubtitleSize);
        using var axisFont = FigureStyle.Font(AxisTitleSize, bold: true);

        var names = summary.ClassNames.Select(n => FigureStyle.Fit(n, labelFont, MaxNameWidth)).ToArray();
        float nameW = names.Max(n => labelFont.MeasureText(n));
        bool rotate = names.Any(n => labelFont.MeasureText(n) > cell - 6);
        int bottomLabels = rotate ? (int)Math.Ceiling(nameW * 0.7072f + LabelSize + 10) : (int)LabelSize + 12;

        string heading = string.Create(CultureInfo.InvariantCulture,
            $"Confusion matrix: {summary.Count} images, accuracy {summary.Accuracy * 100:0.0}%");
        const string subtitle = "Rows: true class. Columns: predicted class. Shade: share of the row.";
        int left = Margin + AxisTitleBand + (int)Math.Ceiling(nameW) + 10;
        int top = Margin + 28 + 22 + 10;
        int width = Math.Max(left + k * cell + Margin,
            2 * Margin + (int)Math.Ceiling(Math.Max(headingFont.MeasureText(heading), subtitleFont.MeasureText(subtitle))));
        int height = top + k * cell + bottomLabels + AxisTitleBand + Margin;

        using var surface = FigureStyle.NewSurface(width, height);
        var canvas = surface.Canvas;
        using var text = FigureStyle.Fill(FigureStyle.Text);
        using var muted = FigureStyle.Fill(FigureStyle.Muted);
        canvas.DrawText(heading, Margin, Margin + HeadingSize, SKTextAlign.Left, headingFont, text);
        canvas.DrawText(subtitle, Margin, Margin + 28 + SubtitleSize + 4, SKTextAlign.Left, subtitleFont, muted);

        for (int t = 0; t < k; t++)
        {
            long rowSum = 0;
            for (int p = 0; p < k; p++) rowSum += matrix[t, p];
            for (int p = 0; p < k; p++)
            {
                float share = rowSum == 0 ? 0 : (float)matrix[t, p] / rowSum;
                var rect = SKRect.Create(left + p * cell, top + t * cell, cell, cell);
                using (var fill = FigureStyle.Fill(Shade(share))) canvas.DrawRect(rect, fill);
                using var ink = FigureStyle.Fill(share > 0.55f ? SKColors.White : FigureStyle.Text);
                string count = matrix[t, p].ToString(CultureInfo.InvariantCulture);
                canvas.DrawText(FigureStyle.Fit(count, countFont, cell - 4), rect.MidX, rect.MidY + countFont.Size * 0.36f,
                    SKTextAlign.Center, countFont, ink);
            }
        }
        using (var grid = FigureStyle.Stroke(SKColors.White, 1))
            for (int i = 1; i < k; i++)
            {
                canvas.DrawLine(left + i * cell, top, left + i * cell, top + k * cell, grid);
                canvas.DrawLine(left, top + i * cell, left + k * cell, top + i * cell, grid);
            }
        using (var frame = FigureStyle.Stroke(new SKColor(0x80, 0x80, 0x80), 1))
            canvas.DrawRect(left - 0.5f, top - 0.5f, k * cell + 1, k * cell + 1, frame);

        for (int i = 0; i < k; i++)
        {
            canvas.DrawText(names[i], left - 8, top + i * cell + cell / 2f + LabelSize * 0.36f, SKTextAlign.Right, labelFont, text);
            float cx = left + i * cell + cell / 2f, below = top + k * cell;
            if (!rotate)
                canvas.DrawText(names[i], cx, below + LabelSize + 6, SKTextAlign.Center, labelFont, text);
            else
            {
                canvas.Save();
                canvas.Translate(cx + LabelSize * 0.3f, below + 8 + LabelSize * 0.4f);
                canvas.RotateDegrees(-45);
                canvas.DrawText(names[i], 0, 0, SKTextAlign.Right, labelFont, text);
                canvas.Restore();
            }
        }

        canvas.DrawText("Predicted", left + k * cell / 2f, top + k * cell + bottomLabels + AxisTitleSize + 4, SKTextAlign.Center, axisFont, text);
        canvas.Save();
        canvas.Translate(Margin + AxisTitleSize, top + k * cell / 2f);
        canvas.RotateDegrees(-90);
        canvas.DrawText("True", 0, 0, SKTextAlign.Center, axisFont, text);
        canvas.Restore();
        return FigureStyle.Encode(fileName, surface, width, height);
    }

    static SKColor Shade(float share)
    {
        for (int i = 1; i < Blues.Length; i++)
        {
            if (share > Blues[i].At) continue;
            var (a, ca) = Blues[i - 1];
            var (b, cb) = Blues[i];
            float f = (share - a) / (b - a);
            return new SKColor(Mix(ca.Red, cb.Red, f), Mix(ca.Green, cb.Green, f), Mix(ca.Blue, cb.Blue, f));
        }
        return Blues[^1].Color;
    }

    static byte Mix(byte a, byte b, float f) => (byte)Math.Round(a + (b - a) * f);
}
