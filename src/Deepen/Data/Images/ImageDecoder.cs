using Deepen.Ops;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Deepen.Data.Audit;
using SkiaSharp;

namespace Deepen.Data.Images;

/// <summary>
/// Decodes image files with SkiaSharp into channels-last bytes of a fixed size. Thread-safe and torch-free, so it
/// runs on the pipeline's worker threads. JPEGs larger than the target are decoded at the smallest DCT scale
/// (k/8) that is still at least the target size, then resized. Colour images are written as RGBA (4 bytes per pixel,
/// unpremultiplied) straight into the destination, and for "rgb" compacted in place to 3 bytes per pixel.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>Bytes per pixel the destination must hold for <paramref name="mode"/>: 1 for grayscale, 4 (RGBA) otherwise.</summary>
    public static int SlotChannels(ColorMode mode) => mode == ColorMode.Grayscale ? 1 : 4;

    /// <summary>
    /// Decodes <paramref name="data"/> into <paramref name="destination"/> (height × width × <see cref="SlotChannels"/>
    /// bytes of an array, pinned while Skia writes to it). The image, height × width × <c>colorMode.Channels()</c>
    /// bytes, starts at the destination's offset. Throws <see cref="ImageDecodeException"/> for anything that is not a
    /// complete, decodable image.
    /// </summary>
    public static void Decode(byte[] data, ArraySegment<byte> destination, int height, int width, ColorMode colorMode,
        Interpolation interpolation, bool keepAspectRatio)
    {
        if (destination.Array is null || destination.Count != height * width * SlotChannels(colorMode))
            throw new ArgumentException($"The destination holds {destination.Count} bytes; {height}x{width} pixels of {SlotChannels(colorMode)} bytes need {height * width * SlotChannels(colorMode)}.", nameof(destination));
        using var codec = OpenCodec(data);
        var size = codec.Info.Size;
        if (size.Width > width && size.Height > height)
        {
            float scale = Math.Max((float)width / size.Width, (float)height / size.Height);
            var scaled = codec.GetScaledDimensions(scale);
            if (scaled.Width >= width && scaled.Height >= height) size = scaled;
        }
        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        bool gray = colorMode == ColorMode.Grayscale;
        var pin = GCHandle.Alloc(destination.Array!, GCHandleType.Pinned);
        try
        {
            IntPtr slot = pin.AddrOfPinnedObject() + destination.Offset;
            if (!gray && !keepAspectRatio && size.Width == width && size.Height == height)
            {
                var direct = codec.GetPixels(target, slot);                // already the right size: decode in place
                if (direct != SKCodecResult.Success) throw Failure(direct, data);
                if (colorMode == ColorMode.Rgb) RgbaToRgbInPlace(destination.AsSpan());
                return;
            }
            using var decoded = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
            if (result != SKCodecResult.Success) throw Failure(result, data);
            using var cropped = keepAspectRatio ? CropToAspect(decoded, height, width) : null;
            var source = cropped ?? decoded;
            if (gray)
            {
                using var resized = new SKBitmap(target);
                Resize(source, resized.PeekPixels(), interpolation);
                ToGray(resized, destination);
            }
            else
            {
                using var pixmap = new SKPixmap(target, slot, width * 4);
                Resize(source, pixmap, interpolation);
                if (colorMode == ColorMode.Rgb) RgbaToRgbInPlace(destination.AsSpan());
            }
        }
        finally
        {
            pin.Free();
        }
    }

    static void Resize(SKBitmap source, SKPixmap destination, Interpolation interpolation)
    {
        bool ok = source.Width == destination.Width && source.Height == destination.Height
            ? source.PeekPixels().ReadPixels(destination)
            : source.ScalePixels(destination, Sampling(interpolation));
        if (!ok)
            throw new ImageDecodeException(AnomalyKind.Corrupt, $"resizing from {source.Width}x{source.Height} to {destination.Width}x{destination.Height} failed");
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
        int w = codec.Info.Width, h = codec.Info.Height;
        long pixels = (long)w * h;
        if (pixels > ImageLimits.MaxImagePixels)
        {
            codec.Dispose();
            throw new ImageDecodeException(AnomalyKind.ExtremeSize, FormattableString.Invariant(
                $"the image is {w}x{h} = {pixels:N0} pixels, more than the limit of {ImageLimits.MaxImagePixels:N0} (ImageLimits.MaxImagePixels; DEEPEN_MAX_IMAGE_PIXELS for the deepen command); it was not decoded"));
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

    /// <summary>Drops alpha in place: RGBA pixels become packed RGB at the start of <paramref name="pixels"/>, four pixels per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]    // per-pixel loops: optimized from the first image
    internal static void RgbaToRgbInPlace(Span<byte> pixels)
    {
        int count = pixels.Length / 4, blocks = count / 4;
        var words = MemoryMarshal.Cast<byte, uint>(pixels[..(blocks * 16)]);
        for (int k = 0; k < blocks; k++)
        {
            uint p0 = words[4 * k], p1 = words[4 * k + 1], p2 = words[4 * k + 2], p3 = words[4 * k + 3];
            words[3 * k] = (p0 & 0xFFFFFF) | (p1 << 24);                  // R0 G0 B0 R1 (little-endian)
            words[3 * k + 1] = ((p1 >> 8) & 0xFFFF) | (p2 << 16);          // G1 B1 R2 G2
            words[3 * k + 2] = ((p2 >> 16) & 0xFF) | (p3 << 8);            // B2 R3 G3 B3
        }
        for (int p = blocks * 4; p < count; p++)
        {
            pixels[3 * p] = pixels[4 * p];
            pixels[3 * p + 1] = pixels[4 * p + 1];
            pixels[3 * p + 2] = pixels[4 * p + 2];
        }
    }

    /// <summary>RGBA to PIL's fixed-point luma: L = (19595 R + 38470 G + 7471 B + 2^15) >> 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ToGray(SKBitmap bitmap, Span<byte> destination)
    {
        int w = bitmap.Width, h = bitmap.Height, stride = bitmap.RowBytes;
        var all = bitmap.GetPixelSpan();
        for (int y = 0; y < h; y++)
        {
            var row = all.Slice(y * stride, w * 4);
            var dest = destination.Slice(y * w, w);
            for (int x = 0, s = 0; x < w; x++, s += 4)
                dest[x] = (byte)((row[s] * 19595 + row[s + 1] * 38470 + row[s + 2] * 7471 + 0x8000) >> 16);
        }
    }
}
