using SkiaSharp;

namespace Deepen.Imaging.Figures;

/// <summary>One image of a grid with its caption lines (text, colour, bold) and an optional frame colour.</summary>
internal sealed record GridTile(ReportImage Image, IReadOnlyList<(string Text, SKColor Color, bool Bold)> Lines, SKColor? Frame);
