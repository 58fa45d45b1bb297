namespace Deepen.Imaging.Figures;

/// <summary>A figure encoded as PNG, with the file name it is saved under and its size in pixels.</summary>
internal sealed record RenderedFigure(string FileName, byte[] Png, int Width, int Height);
