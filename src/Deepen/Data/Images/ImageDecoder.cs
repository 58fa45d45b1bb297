using Deepen.Data.Audit;
using SkiaSharp;

namespace Deepen.Data.Images;

/// <summary>
/// Decodes image files with SkiaSharp into channels-last bytes of a fixed size. Thread-safe and torch-free, so it
/// runs on the pipeline's worker threads. Large JPEGs are decoded at a reduced DCT scale (1/2, 1/4, 1/8) that is
/// still at least the target size, then resized.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>
    /// Decodes <paramref name="data"/> into <paramref name="destination"/> (height × width × channels bytes).
    /// Throws <see cref="ImageDecodeException"/> for anything that is not a complete, decodable image.
    /// </summary>
    public static void Decode(byte[] data, Span<byte> destination, int height, int width, ColorMode colorMode,
        Interpolation interpolation, bool keepAspectRatio)
    {
        using var codec = OpenCodec(data);
        var info = codec.Info;
        var size = info.Size;
        if (!keepAspectRatio && (size.Width >= 2 * width || size.Height >= 2 * height))
        {
            float scale = Math.Max((float)width / size.Width, (float)height / size.Height);
            var scaled = codec.GetScaledDimensions(scale);
            if (scaled.Width >= width && scaled.Height >= height) size = scaled;
        }
        using var decoded = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result != SKCodecResult.Success) throw Failure(result, data);

        SKBitmap source = decoded;
        SKBitmap? cropped = null, resized = null;
        try
        {
            if (keepAspectRatio) source = cropped = CropToAspect(decoded, height, width);
            if (source.Width != width || source.Height != height)
            {
                resized = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
                if (!source.ScalePixels(resized, Sampling(interpolation)))
                    throw new ImageDecodeException(AnomalyKind.Corrupt, $"resizing from {source.Width}x{source.Height} to {width}x{height} failed");
                source = resized;
            }
            CopyChannels(source, destination, colorMode);
        }
        finally
        {
            cropped?.Dispose();
            resized?.Dispose();
        }
    }

    /// <summary>Opens a codec, classifying failures (empty, not an image, truncated header, corrupt header).</summary>
    internal static SKCodec OpenCodec(byte[] data)
    {
        if (data.Length == 0) throw new ImageDecodeException(AnomalyKind.ZeroByte, "the file is empty (0 bytes)");
        var format = ImageFormats.Sniff(data);
        if (format == ImageFormat.Unknown)
            throw new ImageDecodeException(AnomalyKind.NotAnImage, "the content is not a JPEG, PNG, BMP, GIF or WebP image: " + ImageFormats.Describe(data));
        using var skData = SKData.CreateCopy(data);
        var codec = SKCodec.Create(skData);
        if (codec is null)
        {
            string name = format.ToString().ToUpperInvariant();
            throw ImageFormats.HeaderRunsPastEnd(format, data)
                ? new ImageDecodeException(AnomalyKind.Truncated, $"the file ends after {data.Length} bytes, inside the {name} header")
                : new ImageDecodeException(AnomalyKind.Corrupt, $"the {name} header could not be decoded: its structure is invalid");
        }
        return codec;
    }

    /// <summary>Decodes all pixels (at a reduced scale when the codec allows) and returns Skia's result.</summary>
    internal static SKCodecResult DecodeAll(SKCodec codec)
    {
        var size = codec.GetScaledDimensions(0.125f);
        using var bitmap = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result == SKCodecResult.InvalidScale)
        {
            using var full = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            result = codec.GetPixels(full.Info, full.GetPixels());
        }
        return result;
    }

    internal static ImageDecodeException Failure(SKCodecResult result, byte[] data) => result == SKCodecResult.IncompleteInput
        ? new ImageDecodeException(AnomalyKind.Truncated, $"the image data ends early: the file has {data.Length} bytes and decoding stopped with {result}")
        : new ImageDecodeException(AnomalyKind.Corrupt, $"the image data could not be decoded ({result})");

    /// <summary>Channels of a decoded image as Keras counts them: 1 for gray, 3 for opaque colour, 4 with alpha.</summary>
    internal static int Channels(SKImageInfo info) =>
        info.ColorType == SKColorType.Gray8 ? 1 : info.AlphaType == SKAlphaType.Opaque ? 3 : 4;

    static SKSamplingOptions Sampling(Interpolation interpolation) => interpolation switch
    {
        Interpolation.Nearest => new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None),
        Interpolation.Bilinear => new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None),
        Interpolation.Box or Interpolation.Area => new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear),
        Interpolation.Bicubic => new SKSamplingOptions(SKCubicResampler.CatmullRom),
        _ => new SKSamplingOptions(SKCubicResampler.Mitchell),
    };

    /// <summary>Keras's keep_aspect_ratio: the largest centred region with the target's aspect ratio.</summary>
    static SKBitmap CropToAspect(SKBitmap bitmap, int height, int width)
    {
        double target = (double)width / height;
        int w = bitmap.Width, h = bitmap.Height;
        int cw = Math.Min(w, (int)Math.Round(h * target)), ch = Math.Min(h, (int)Math.Round(w / target));
        cw = Math.Max(cw, 1); ch = Math.Max(ch, 1);
        var subset = new SKBitmap();
        var rect = SKRectI.Create((w - cw) / 2, (h - ch) / 2, cw, ch);
        if (!bitmap.ExtractSubset(subset, rect))
            throw new ImageDecodeException(AnomalyKind.Corrupt, $"cropping {w}x{h} to {cw}x{ch} failed");
        return subset;
    }

    /// <summary>RGBA rows (of <c>bitmap.RowBytes</c> stride) to the colour mode's channels; gray uses PIL's fixed-point luma.</summary>
    static void CopyChannels(SKBitmap bitmap, Span<byte> destination, ColorMode mode)
    {
        int w = bitmap.Width, h = bitmap.Height, stride = bitmap.RowBytes, c = mode.Channels();
        var all = bitmap.GetPixelSpan();
        for (int y = 0; y < h; y++)
        {
            var row = all.Slice(y * stride, w * 4);
            var dest = destination.Slice(y * w * c, w * c);
            switch (mode)
            {
                case ColorMode.Rgba:
                    row.CopyTo(dest);
                    break;
                case ColorMode.Rgb:
                    for (int x = 0, s = 0, d = 0; x < w; x++, s += 4, d += 3)
                    {
                        dest[d] = row[s];
                        dest[d + 1] = row[s + 1];
                        dest[d + 2] = row[s + 2];
                    }
                    break;
                default:
                    for (int x = 0, s = 0; x < w; x++, s += 4)
                        dest[x] = (byte)((row[s] * 19595 + row[s + 1] * 38470 + row[s + 2] * 7471 + 0x8000) >> 16);
                    break;
            }
        }
    }
}
