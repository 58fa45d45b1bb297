using Deepen.Models;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// Deletion and insertion curves of a heatmap (RISE's metrics). Deletion: starting from the image, remove 1/steps of
/// the pixels at each step — the most relevant first (ties in random order) — by setting every channel of a removed
/// pixel to <c>baseline</c>, and record the class probability; the area under that curve is the deletion score
/// (lower is better). Insertion: start from an image of <c>baseline</c> everywhere and put the pixels back in the
/// same order (higher is better). The random curves use random pixel orders, with the same steps and baseline.
/// </summary>
/// <example><code>
/// var scores = Faithfulness.Measure(model, image, heatmap, targetClass: 2);
/// Console.WriteLine($"deletion {scores.Deletion.Auc:F3} (random {scores.RandomDeletion.Auc:F3})");
/// </code></example>
public static class Faithfulness
{
    /// <summary>Measures the four curves for <paramref name="heatmap"/> (height × width, larger = more relevant).</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="image">One image (height, width, channels) in the model's input units.</param>
    /// <param name="heatmap">Relevance per pixel, (height, width) of the image.</param>
    /// <param name="targetClass">The class whose probability is tracked.</param>
    /// <param name="steps">Steps from 0% to 100% of the pixels (default 20).</param>
    /// <param name="baseline">The value of a removed pixel in every channel (default 0).</param>
    /// <param name="randomOrders">How many random orders the random curves average (default 3).</param>
    /// <param name="seed">The seed of the random orders and of tie-breaking.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public static FaithfulnessScores Measure(Model model, Tensor image, Tensor heatmap, int targetClass, int steps = 20, double baseline = 0,
        int randomOrders = 3, int seed = 0, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(heatmap);
        Check.Positive(steps, nameof(steps));
        Check.Positive(randomOrders, nameof(randomOrders));
        Check.Positive(batchSize, nameof(batchSize));
        if (!double.IsFinite(baseline)) throw Check.Invalid(nameof(baseline), baseline, "a finite number");
        if (image.dim() != 3) throw Check.Invalid(nameof(image), "a tensor of shape (" + string.Join(", ", image.shape) + ")", "one image (height, width, channels)");
        int height = (int)image.shape[0], width = (int)image.shape[1];
        if (heatmap.dim() != 2 || heatmap.shape[0] != height || heatmap.shape[1] != width)
            throw Check.Invalid(nameof(heatmap), "a tensor of shape (" + string.Join(", ", heatmap.shape) + ")", $"a map of the image's size ({height}, {width})");
        int classes = model.OutputShape is { } o && o[-1] > 1 ? o[-1] : 2;
        if (targetClass < 0 || targetClass >= classes) throw Check.Invalid(nameof(targetClass), targetClass, $"a class index from 0 to {classes - 1}");

        int pixels = height * width;
        var random = new Random(seed);
        float[] heat;
        using (var h = heatmap.detach().cpu().to(ScalarType.Float32).contiguous()) heat = h.data<float>().ToArray();
        // Most relevant first; ties (e.g. the zeros of a ReLU'd CAM) in random order, so they favour no region.
        var tiebreak = Permutation(pixels, random);
        var order = tiebreak.OrderByDescending(p => float.IsFinite(heat[p]) ? heat[p] : float.NegativeInfinity).ToArray();

        using var scope = NewDisposeScope();
        var x = image.detach().to(model.Device).to(ScalarType.Float32);
        var blank = full_like(x, baseline);
        var fractions = Enumerable.Range(0, steps + 1).Select(k => (double)Counts(k, steps, pixels) / pixels).ToArray();
        FaithfulnessCurve Curve(int[] o, bool deletion) =>
            new(fractions, Probabilities(model, x, blank, o, steps, deletion, targetClass, batchSize));
        FaithfulnessCurve RandomCurve(int[][] orders, bool deletion)
        {
            var sum = new double[steps + 1];
            foreach (var o in orders)
            {
                var p = Probabilities(model, x, blank, o, steps, deletion, targetClass, batchSize);
                for (int k = 0; k <= steps; k++) sum[k] += p[k] / orders.Length;
            }
            return new FaithfulnessCurve(fractions, sum);
        }
        var randomOrdersList = Enumerable.Range(0, randomOrders).Select(_ => Permutation(pixels, random)).ToArray();
        return new FaithfulnessScores(Curve(order, true), RandomCurve(randomOrdersList, true), Curve(order, false), RandomCurve(randomOrdersList, false));
    }

    /// <summary>The number of pixels changed after step <paramref name="k"/> of <paramref name="steps"/>.</summary>
    static int Counts(int k, int steps, int pixels) => (int)Math.Round((double)k * pixels / steps);

    static double[] Probabilities(Model model, Tensor x, Tensor blank, int[] order, int steps, bool deletion, int target, int batchSize)
    {
        using var scope = NewDisposeScope();
        int height = (int)x.shape[0], width = (int)x.shape[1], pixels = height * width;
        var rank = new float[pixels];
        for (int i = 0; i < pixels; i++) rank[order[i]] = i;
        var ranks = tensor(rank, new long[] { 1, height, width, 1 }).to(x.device);
        var counts = tensor(Enumerable.Range(0, steps + 1).Select(k => (float)Counts(k, steps, pixels)).ToArray(), new long[] { steps + 1, 1, 1, 1 }).to(x.device);
        var changed = ranks.lt(counts).to(ScalarType.Float32);                  // [steps + 1, H, W, 1]: 1 where changed
        var (from, to) = deletion ? (x, blank) : (blank, x);
        var batch = from.unsqueeze(0) * (1 - changed) + to.unsqueeze(0) * changed;
        return Explainer.TargetProbabilities(model, batch, target, batchSize).Select(p => (double)p).ToArray();
    }

    static int[] Permutation(int n, Random random)
    {
        var p = Enumerable.Range(0, n).ToArray();
        random.Shuffle(p);
        return p;
    }
}
