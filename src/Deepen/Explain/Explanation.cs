using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// What an <see cref="Explainer"/> found for one image: the heatmap (height × width of the input, values in [0, 1],
/// 1 = most relevant), its peak, the class explained, the model's prediction and, unless turned off, the
/// faithfulness scores. Holds two small CPU tensors (the heatmap and a copy of the input): dispose it when done.
/// </summary>
/// <example><code>
/// using var e = new GradCam(model).Explain(image);
/// Console.WriteLine($"{e.TargetName}: peak at x={e.Peak.X}, y={e.Peak.Y}; deletion {e.Faithfulness!.Deletion.Auc:F3}");
/// e.SaveOverlay("overlay.png");
/// </code></example>
public sealed class Explanation : IDisposable
{
    readonly float[] _probabilities;

    internal Explanation(string method, string? layer, int targetClass, string targetName, int predictedClass, string predictedName,
        float[] probabilities, Tensor heatmap, Tensor image, FaithfulnessScores? faithfulness)
    {
        Method = method;
        Layer = layer;
        TargetClass = targetClass;
        TargetName = targetName;
        PredictedClass = predictedClass;
        PredictedName = predictedName;
        _probabilities = probabilities;
        Heatmap = heatmap;
        Image = image;
        Faithfulness = faithfulness;
        Peak = Heatmaps.Peak(heatmap);
    }

    /// <summary>The method: "gradcam", "gradcam++", "scorecam", "saliency" or "smoothgrad".</summary>
    public string Method { get; }
    /// <summary>The layer whose activations were weighed (CAM methods); null for Saliency and SmoothGrad.</summary>
    public string? Layer { get; }
    /// <summary>The class explained.</summary>
    public int TargetClass { get; }
    /// <summary>The class explained, by name (the index as text when the model has no class names).</summary>
    public string TargetName { get; }
    /// <summary>The class the model predicts (the arg-max of the probabilities).</summary>
    public int PredictedClass { get; }
    /// <summary>The predicted class, by name.</summary>
    public string PredictedName { get; }
    /// <summary>The class probabilities (for a one-unit sigmoid model: [1 − p, p]).</summary>
    public IReadOnlyList<float> Probabilities => _probabilities;
    /// <summary>The probability of the predicted class.</summary>
    public double Probability => _probabilities[PredictedClass];
    /// <summary>The probability of the explained class.</summary>
    public double TargetProbability => _probabilities[TargetClass];
    /// <summary>The heatmap: float32 (height, width) of the input image, on the CPU, values in [0, 1].</summary>
    public Tensor Heatmap { get; }
    /// <summary>A copy of the explained image (height, width, channels) on the CPU, in the model's input units.</summary>
    public Tensor Image { get; }
    /// <summary>The heatmap's height (the input's).</summary>
    public int Height => (int)Heatmap.shape[0];
    /// <summary>The heatmap's width (the input's).</summary>
    public int Width => (int)Heatmap.shape[1];
    /// <summary>The heatmap's largest value: X = column, Y = row, in the input's pixels (the first in row order on ties).</summary>
    public (int X, int Y) Peak { get; }
    /// <summary>The deletion and insertion scores; null when <see cref="ExplainOptions.FaithfulnessSteps"/> is 0.</summary>
    public FaithfulnessScores? Faithfulness { get; }

    /// <summary>
    /// The heatmap resized (bilinear) to <paramref name="height"/> × <paramref name="width"/>, for example the size of
    /// the original photo the model's input was resized from. The caller disposes it.
    /// </summary>
    /// <example><code>using var big = e.HeatmapAt(480, 640);</code></example>
    public Tensor HeatmapAt(int height, int width)
    {
        Utils.Check.Positive(height, nameof(height));
        Utils.Check.Positive(width, nameof(width));
        return Heatmaps.Resize(Heatmap, height, width);
    }

    /// <summary>The peak of the heatmap resized to <paramref name="height"/> × <paramref name="width"/>: X = column, Y = row.</summary>
    /// <example><code>var (x, y) = e.PeakAt(originalHeight, originalWidth);     // in the original photo's pixels</code></example>
    public (int X, int Y) PeakAt(int height, int width)
    {
        using var map = HeatmapAt(height, width);
        return Heatmaps.Peak(map);
    }

    /// <summary>
    /// The heatmap laid over an image, as a PNG: "jet" colours (blue = irrelevant, red = most relevant) blended with
    /// weight <paramref name="alpha"/> over the image. <paramref name="image"/> (height, width, channels; 0–1 or 0–255
    /// values) may have any size — for example the original photo — and the PNG has its size; by default the
    /// explained input.
    /// </summary>
    /// <example><code>File.WriteAllBytes("overlay.png", e.OverlayPng());</code></example>
    public byte[] OverlayPng(Tensor? image = null, double alpha = 0.45)
    {
        if (!(alpha >= 0 && alpha <= 1)) throw Utils.Check.Invalid(nameof(alpha), alpha, "a number from 0 to 1");
        var background = Heatmaps.ToReportImage(image ?? Image, nameof(image));
        return Heatmaps.Png(Heatmaps.Overlay(background, Heatmap, alpha));
    }

    /// <summary>Writes <see cref="OverlayPng"/> to <paramref name="path"/> (folders are created).</summary>
    /// <example><code>e.SaveOverlay("out/cat.gradcam.png");</code></example>
    public void SaveOverlay(string path, Tensor? image = null, double alpha = 0.45)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var png = OverlayPng(image, alpha);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Utils.AtomicFile.WriteAllBytes(full, png);
    }

    /// <summary>Releases the heatmap and the image copy.</summary>
    public void Dispose()
    {
        Heatmap.Dispose();
        Image.Dispose();
    }
}
