using Deepen.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>Resizing, scaling, colouring and overlaying heatmaps (internal helpers of the explainers and the report).</summary>
internal static class Heatmaps
{
    /// <summary>A (rows, cols) map resized to <paramref name="height"/> × <paramref name="width"/> (bilinear, corners not aligned).</summary>
    public static Tensor Resize(Tensor map, int height, int width)
    {
        if (map.shape[0] == height && map.shape[1] == width) return map.alias();
        using var batch = map.unsqueeze(0).unsqueeze(0);
        using var resized = nn.functional.interpolate(batch, new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false);
        return resized[0, 0].contiguous();
    }

    /// <summary>
    /// The map scaled to [0, 1]: (m − min) / (max − min), after non-finite values are set to 0. A constant map
    /// (nothing stands out) becomes all zeros.
    /// </summary>
    public static Tensor Normalize(Tensor map)
    {
        using var scope = NewDisposeScope();
        var m = map.nan_to_num(0, 0, 0);
        double min = m.min().item<float>(), max = m.max().item<float>();
        var result = max > min ? (m - min) / (max - min) : zeros_like(m);
        return result.clamp(0, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The position (x = column, y = row) of the largest value (the first in row-major order on ties).</summary>
    public static (int X, int Y) Peak(Tensor map)
    {
        int width = (int)map.shape[1];
        using var flat = map.reshape(-1);
        using var index = flat.argmax();
        long i = index.item<long>();
        return ((int)(i % width), (int)(i / width));
    }

    /// <summary>The "jet"-like colour of a value in [0, 1]: blue (0) → cyan → yellow → red (1), as RGB in [0, 1].</summary>
    public static (float R, float G, float B) Colour(float v)
    {
        v = float.IsFinite(v) ? Math.Clamp(v, 0f, 1f) : 0f;
        float r = Math.Clamp(1.5f - Math.Abs(4f * v - 3f), 0f, 1f);
        float g = Math.Clamp(1.5f - Math.Abs(4f * v - 2f), 0f, 1f);
        float b = Math.Clamp(1.5f - Math.Abs(4f * v - 1f), 0f, 1f);
        return (r, g, b);
    }

    /// <summary>
    /// The image with the heatmap laid over it, as RGB in [0, 1] at the image's size: each pixel is
    /// (1 − a) × image + a × colour(heat) with a = <paramref name="alpha"/>. The image's values are shown as in the
    /// report (0–1 or 0–255 as black to white); the heatmap is resized to the image when their sizes differ.
    /// </summary>
    public static ReportImage Overlay(ReportImage image, Tensor heatmap, double alpha)
    {
        using var resized = Resize(heatmap.detach().cpu().to(ScalarType.Float32), image.Height, image.Width);
        var heat = resized.contiguous().data<float>().ToArray();
        var (low, high) = ReportImage.DisplayRange(new[] { image });
        float scale = 1f / (high - low), a = (float)alpha;
        var pixels = new float[image.Height * image.Width * 3];
        for (int i = 0, n = image.Height * image.Width; i < n; i++)
        {
            int src = i * image.Channels;
            float r, g, b;
            if (image.Channels == 1) r = g = b = image.Pixels[src];
            else { r = image.Pixels[src]; g = image.Pixels[src + 1]; b = image.Pixels[src + 2]; }
            var (hr, hg, hb) = Colour(heat[i]);
            pixels[i * 3] = (1 - a) * Unit(r, low, scale) + a * hr;
            pixels[i * 3 + 1] = (1 - a) * Unit(g, low, scale) + a * hg;
            pixels[i * 3 + 2] = (1 - a) * Unit(b, low, scale) + a * hb;
        }
        return new ReportImage(image.Height, image.Width, 3, pixels);
    }

    static float Unit(float v, float low, float scale) => float.IsFinite(v) ? Math.Clamp((v - low) * scale, 0f, 1f) : 0f;

    /// <summary>An image tensor (height, width, channels) copied into a <see cref="ReportImage"/>.</summary>
    public static ReportImage ToReportImage(Tensor image, string argument)
    {
        if (image.dim() != 3 || image.shape[2] is not (1 or 3 or 4))
            throw new ArgumentException(
                $"Invalid value received for argument `{argument}`. Expected an image of shape (height, width, channels) with 1, 3 or 4 channels. Received: a tensor of shape ({string.Join(", ", image.shape)}).", argument);
        using var f = image.detach().cpu().to(ScalarType.Float32).contiguous();
        return new ReportImage((int)image.shape[0], (int)image.shape[1], (int)image.shape[2], f.data<float>().ToArray());
    }

    /// <summary>A [0, 1] RGB image encoded as PNG.</summary>
    public static byte[] Png(ReportImage rgb)
    {
        using var bitmap = rgb.ToBitmap((0f, 1f));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the overlay as PNG.");
        return data.ToArray();
    }
}
