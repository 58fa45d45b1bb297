using Deepen.Imaging;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Imaging.Figures;
using Deepen.Utils;
using SkiaSharp;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// What the layers see: the feature maps a layer computes for one input (each channel as a grey image, scaled to its
/// own minimum–maximum), and the filters of a convolution (each as an image: RGB when it reads three channels, else
/// the mean over its input channels). As Keras's "visualizing what convnets learn" (Chollet, ch. 5.4).
/// </summary>
/// <example><code>
/// FeatureMaps.Render(model, xTest[0]).Save("first-conv-maps.png");         // the first convolution's maps
/// FeatureMaps.Render(model, xTest[0], layer: "conv2d_2").Save("maps.png");
/// FeatureMaps.Filters(model).Save("filters.png");
/// using var maps = FeatureMaps.Values(model, xTest[0], "conv2d");         // (rows, cols, channels)
/// </code></example>
public static class FeatureMaps
{
    /// <summary>The most maps or filters a grid shows by default.</summary>
    public const int DefaultMaxMaps = 64;
    const int MinTile = 64, Gap = 6, Margin = 12, Heading = 30, Caption = 16;

    /// <summary>
    /// The output of <paramref name="layer"/> (default: the first convolution) for one image: (rows, cols, channels)
    /// on the CPU. The caller disposes it.
    /// </summary>
    public static Tensor Values(Model model, Tensor image, string? layer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(image);
        var target = Resolve(model, layer);
        var shape = model.InputShape ?? throw new ArgumentException($"Model \"{model.Name}\" is not built yet.", nameof(model));
        if (!(image.dim() == 3 || (image.dim() == 4 && image.shape[0] == 1)) || !image.shape.TakeLast(3).Select(d => (int)d).SequenceEqual(shape))
            throw new ArgumentException(
                $"Invalid value received for argument `image`. Expected one image of shape ({string.Join(", ", shape)}) as the model takes it. Received: a tensor of shape ({string.Join(", ", image.shape)}).", nameof(image));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = (image.dim() == 3 ? image.unsqueeze(0) : image).to(ScalarType.Float32).to(model.Device);
        var (activation, output) = model.ForwardWithActivation(x, target, logits: false);
        return activation[0].cpu().contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The feature maps of <paramref name="layer"/> (default: the first convolution) for <paramref name="image"/> as
    /// a grid of grey tiles, one per channel (the first <paramref name="maxMaps"/>), each scaled to its own range
    /// (white = strongest); a channel that is constant is drawn black.
    /// </summary>
    public static FeatureMapGrid Render(Model model, Tensor image, string? layer = null, int maxMaps = DefaultMaxMaps)
    {
        Check.Positive(maxMaps, nameof(maxMaps));
        var target = Resolve(model, layer);
        using var values = Values(model, image, target.Name);
        int rows = (int)values.shape[0], cols = (int)values.shape[1], channels = (int)values.shape[2];
        int count = Math.Min(channels, maxMaps);
        var data = values.data<float>().ToArray();
        var tiles = new List<float[]>();
        for (int c = 0; c < count; c++)
        {
            var tile = new float[rows * cols * 3];
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            for (int p = 0; p < rows * cols; p++) { float v = data[p * channels + c]; if (v < min) min = v; if (v > max) max = v; }
            for (int p = 0; p < rows * cols; p++)
            {
                float v = max > min ? (data[p * channels + c] - min) / (max - min) : 0f;
                tile[3 * p] = tile[3 * p + 1] = tile[3 * p + 2] = float.IsFinite(v) ? v : 0f;
            }
            tiles.Add(tile);
        }
        string heading = $"Feature maps of {target.Name} ({target.ClassName}): {count} of {channels} channels, {cols}×{rows}";
        return Draw(heading, tiles, rows, cols, target.Name, count, channels);
    }

    /// <summary>
    /// The filters (kernels) of a convolution — <paramref name="layer"/>, default the first convolution — as a grid
    /// of images (the first <paramref name="maxFilters"/>): RGB when the layer reads three channels, else grey (the
    /// mean over input channels); each filter scaled to its own range.
    /// </summary>
    public static FeatureMapGrid Filters(Model model, string? layer = null, int maxFilters = DefaultMaxMaps)
    {
        Check.Positive(maxFilters, nameof(maxFilters));
        var target = Resolve(model, layer);
        var kernel = target.Weights.FirstOrDefault(w => w.Value.dim() == 4)
            ?? throw new ArgumentException($"Layer \"{target.Name}\" ({target.ClassName}) has no 4-D kernel to draw as filters.", nameof(layer));
        using var scope = NewDisposeScope();
        var w = kernel.Value.detach().cpu().to(ScalarType.Float32);                  // torch layout (out, in, rows, cols)
        int filters = (int)w.shape[0], inputs = (int)w.shape[1], rows = (int)w.shape[2], cols = (int)w.shape[3];
        bool rgb = inputs == 3;
        var shown = (rgb ? w : w.mean(new long[] { 1 }, keepdim: true)).permute(0, 2, 3, 1).contiguous();   // (out, rows, cols, 1|3)
        int count = Math.Min(filters, maxFilters);
        var tiles = new List<float[]>();
        for (int f = 0; f < count; f++)
        {
            var v = shown[f];
            float min = v.min().item<float>(), max = v.max().item<float>();
            var values = v.reshape(-1).data<float>().ToArray();
            var tile = new float[rows * cols * 3];
            for (int p = 0; p < rows * cols; p++)
                for (int c = 0; c < 3; c++)
                {
                    float x = values[rgb ? p * 3 + c : p];
                    tile[3 * p + c] = max > min ? (x - min) / (max - min) : 0.5f;
                }
            tiles.Add(tile);
        }
        string heading = $"Filters of {target.Name} ({target.ClassName}): {count} of {filters}, {cols}×{rows}{(rgb ? ", RGB" : inputs > 1 ? $", mean over {inputs} input channels" : "")}";
        return Draw(heading, tiles, rows, cols, target.Name, count, filters);
    }

    static Layer Resolve(Model model, string? layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Built) throw new ArgumentException($"Model \"{model.Name}\" is not built yet; train it or call Build(inputShape) first.", nameof(model));
        if (layer is not null) return TargetLayers.Named(model, layer, nameof(layer));
        return model.Layers.FirstOrDefault(TargetLayers.IsConvolution)
            ?? throw new ArgumentException(
                $"Model \"{model.Name}\" has no convolution layer; name a layer with a 4-D output (batch, height, width, channels) with `layer`.", nameof(layer));
    }

    static FeatureMapGrid Draw(string heading, List<float[]> tiles, int rows, int cols, string layer, int count, int total)
    {
        int scale = Math.Max(1, (MinTile + Math.Max(rows, cols) - 1) / Math.Max(rows, cols));
        int tileW = cols * scale, tileH = rows * scale;
        int columns = (int)Math.Ceiling(Math.Sqrt(tiles.Count)), gridRows = (tiles.Count + columns - 1) / columns;
        int width = Math.Max(2 * Margin + columns * tileW + (columns - 1) * Gap, 420);
        int height = 2 * Margin + Heading + gridRows * (tileH + Caption) + (gridRows - 1) * Gap;
        using var surface = FigureStyle.NewSurface(width, height);
        var canvas = surface.Canvas;
        using (var font = FigureStyle.Font(15, bold: true))
        using (var paint = FigureStyle.Fill(FigureStyle.Text))
            canvas.DrawText(FigureStyle.Fit(heading, font, width - 2 * Margin), Margin, Margin + 15, SKTextAlign.Left, font, paint);
        using var small = FigureStyle.Font(11);
        using var muted = FigureStyle.Fill(FigureStyle.Muted);
        for (int i = 0; i < tiles.Count; i++)
        {
            int x = Margin + i % columns * (tileW + Gap), y = Margin + Heading + i / columns * (tileH + Caption + Gap);
            canvas.DrawText($"#{i}", x, y + 12, SKTextAlign.Left, small, muted);
            var image = new Imaging.ReportImage(rows, cols, 3, tiles[i]);
            using var bitmap = image.ToBitmap((0f, 1f));
            using var sk = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(sk, SKRect.Create(x, y + Caption, tileW, tileH), new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None));
        }
        var figure = FigureStyle.Encode("feature_maps.png", surface, width, height);
        return new FeatureMapGrid(figure.Png, width, height, layer, count, total);
    }
}
