using SkiaSharp;

namespace Deepen.Imaging;

/// <summary>
/// One evaluation image kept for the figures: channels-last floats (height × width × channels, 1 = grey, 3 = RGB,
/// 4 = RGBA) copied out of a batch, so the report holds no native memory.
/// </summary>
internal sealed class ReportImage
{
    public ReportImage(int height, int width, int channels, float[] pixels)
    {
        if (pixels.Length != height * width * channels)
            throw new ArgumentException($"An image of {height}x{width}x{channels} needs {height * width * channels} values, got {pixels.Length}.", nameof(pixels));
        Height = height;
        Width = width;
        Channels = channels;
        Pixels = pixels;
    }

    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }
    public float[] Pixels { get; }

    /// <summary>
    /// The value range shown as black to white for a set of images: [0, 1] when all values lie in it (rescaled
    /// inputs), [0, 255] when they lie in that (raw pixels), otherwise their minimum to maximum (standardised inputs).
    /// </summary>
    public static (float Low, float High) DisplayRange(IEnumerable<ReportImage> images)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var image in images)
            foreach (float v in image.Pixels)
            {
                if (!float.IsFinite(v)) continue;
                if (v < min) min = v;
                if (v > max) max = v;
            }
        if (min > max) return (0, 1);
        if (min >= 0 && max <= 1) return (0, 1);
        if (min >= 0 && max <= 255) return (0, 255);
        return max > min ? (min, max) : (min, min + 1);
    }

    /// <summary>An opaque RGBA bitmap of the image at its own size (grey repeated into R, G and B; alpha over white).</summary>
    public SKBitmap ToBitmap((float Low, float High) range)
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var bytes = new byte[Width * Height * 4];
        float scale = 255f / (range.High - range.Low);
        for (int i = 0, n = Width * Height; i < n; i++)
        {
            int src = i * Channels;
            float r, g, b;
            if (Channels == 1) r = g = b = Pixels[src];
            else { r = Pixels[src]; g = Pixels[src + 1]; b = Pixels[src + 2]; }
            byte br = ToByte(r, range.Low, scale), bg = ToByte(g, range.Low, scale), bb = ToByte(b, range.Low, scale);
            if (Channels == 4)
            {
                float a = Math.Clamp((Pixels[src + 3] - range.Low) * scale / 255f, 0f, 1f);
                br = (byte)(br * a + 255 * (1 - a));
                bg = (byte)(bg * a + 255 * (1 - a));
                bb = (byte)(bb * a + 255 * (1 - a));
            }
            bytes[i * 4] = br;
            bytes[i * 4 + 1] = bg;
            bytes[i * 4 + 2] = bb;
            bytes[i * 4 + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        return bitmap;
    }

    static byte ToByte(float v, float low, float scale) =>
        float.IsFinite(v) ? (byte)Math.Clamp(MathF.Round((v - low) * scale), 0f, 255f) : (byte)0;
}
