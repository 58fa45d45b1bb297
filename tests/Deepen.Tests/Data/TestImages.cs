using System.Buffers.Binary;
using SkiaSharp;

namespace Deepen.Tests.Data;

/// <summary>Writes small images in every supported format (SkiaSharp for PNG/JPEG/WebP, by hand for BMP and GIF).</summary>
internal static class TestImages
{
    public delegate (byte R, byte G, byte B) PixelFunc(int x, int y);

    /// <summary>A smooth, asymmetric colour pattern that differs per <paramref name="seed"/>.</summary>
    public static PixelFunc Pattern(int seed) => (x, y) =>
        ((byte)((x * 13 + seed * 37) % 256), (byte)((y * 11 + seed * 53) % 256), (byte)((x * y + seed * 17) % 256));

    public static PixelFunc Solid(byte r, byte g, byte b) => (_, _) => (r, g, b);

    public static SKBitmap Bitmap(int width, int height, PixelFunc pixel, byte alpha = 255)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha == 255 ? SKAlphaType.Opaque : SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                bitmap.SetPixel(x, y, new SKColor(r, g, b, alpha));
            }
        return bitmap;
    }

    public static string Png(string path, int width, int height, PixelFunc pixel, byte alpha = 255) =>
        Encode(path, width, height, pixel, SKEncodedImageFormat.Png, 100, alpha);

    public static string Jpeg(string path, int width, int height, PixelFunc pixel, int quality = 95) =>
        Encode(path, width, height, pixel, SKEncodedImageFormat.Jpeg, quality);

    public static string Webp(string path, int width, int height, PixelFunc pixel) =>
        Encode(path, width, height, pixel, SKEncodedImageFormat.Webp, 100);

    /// <summary>A one-channel (grayscale) PNG.</summary>
    public static string GrayPng(string path, int width, int height, Func<int, int, byte> value)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) { byte v = value(x, y); bitmap.SetPixel(x, y, new SKColor(v, v, v)); }
        return Save(path, bitmap, SKEncodedImageFormat.Png, 100);
    }

    static string Encode(string path, int width, int height, PixelFunc pixel, SKEncodedImageFormat format, int quality, byte alpha = 255)
    {
        using var bitmap = Bitmap(width, height, pixel, alpha);
        return Save(path, bitmap, format, quality);
    }

    static string Save(string path, SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"Skia could not encode {format}");
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>A 24-bit uncompressed BMP.</summary>
    public static string Bmp(string path, int width, int height, PixelFunc pixel)
    {
        int rowBytes = (width * 3 + 3) & ~3, size = 54 + rowBytes * height;
        var b = new byte[size];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), rowBytes * height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (r, g, bl) = pixel(x, y);
                int o = 54 + (height - 1 - y) * rowBytes + x * 3;
                b[o] = bl; b[o + 1] = g; b[o + 2] = r;
            }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, b);
        return path;
    }

    /// <summary>
    /// A GIF with a 128-colour palette, LZW-coded with 8-bit codes (minimum code size 7) and a clear code every 100
    /// pixels, so every code is one byte. Pixel values are palette indices (0–127); the palette maps index i to gray 2i.
    /// </summary>
    public static string Gif(string path, int width, int height, Func<int, int, byte> index)
    {
        var s = new MemoryStream();
        void U16(int v) { s.WriteByte((byte)v); s.WriteByte((byte)(v >> 8)); }
        s.Write("GIF89a"u8);
        U16(width); U16(height);
        s.WriteByte(0xF6); s.WriteByte(0); s.WriteByte(0);
        for (int i = 0; i < 128; i++) { s.WriteByte((byte)(2 * i)); s.WriteByte((byte)(2 * i)); s.WriteByte((byte)(2 * i)); }
        s.WriteByte(0x2C); U16(0); U16(0); U16(width); U16(height); s.WriteByte(0);
        s.WriteByte(7);
        var codes = new List<byte>();
        int count = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (count++ % 100 == 0) codes.Add(128);
                codes.Add((byte)(index(x, y) & 0x7F));
            }
        codes.Add(129);
        for (int i = 0; i < codes.Count; i += 255)
        {
            int n = Math.Min(255, codes.Count - i);
            s.WriteByte((byte)n);
            s.Write(codes.GetRange(i, n).ToArray());
        }
        s.WriteByte(0);
        s.WriteByte(0x3B);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, s.ToArray());
        return path;
    }

    /// <summary>Reads back an iterator batch's pixels as [n][h][w][c] floats.</summary>
    public static float[] Values(TorchSharp.torch.Tensor t) => t.contiguous().cpu().data<float>().ToArray();

    /// <summary>Captures what <paramref name="action"/> writes to the console.</summary>
    public static string Console(Action action)
    {
        var previous = System.Console.Out;
        var writer = new StringWriter();
        System.Console.SetOut(writer);
        try { action(); }
        finally { System.Console.SetOut(previous); }
        return writer.ToString();
    }
}
