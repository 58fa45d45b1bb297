using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Training;
using static TorchSharp.torch;

namespace Deepen.Tests.Reports;

/// <summary>Small generated image sets and tiny trained classifiers for the report tests.</summary>
internal static class ReportTestData
{
    public static readonly string[] ShapeNames = { "horizontal", "vertical", "blob" };

    /// <summary>
    /// 8×8×1 images in [0, 1] of three classes: a bright horizontal line (0), a vertical line (1) or a 2×2 blob (2),
    /// at a random place on noise strong enough that a small model makes some mistakes. Labels int64 [N].
    /// </summary>
    public static (Tensor X, Tensor Y) Shapes(int n, int seed, double noise = 0.45)
    {
        var r = new Random(seed);
        var x = new float[n * 64];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % 3;
            var img = x.AsSpan(i * 64, 64);
            for (int p = 0; p < 64; p++) img[p] = (float)(noise * r.NextDouble());
            int a = r.Next(8), b = r.Next(7);
            for (int k = 0; k < 8; k++)
            {
                if (label == 0) img[a * 8 + k] = Math.Max(img[a * 8 + k], 0.5f + 0.5f * (float)r.NextDouble());
                if (label == 1) img[k * 8 + a] = Math.Max(img[k * 8 + a], 0.5f + 0.5f * (float)r.NextDouble());
            }
            if (label == 2)
                foreach (var (dr, dc) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    img[(b + dr) * 8 + b + dc] = 1f;
            y[i] = label;
        }
        return (tensor(x, new long[] { n, 8, 8, 1 }), tensor(y));
    }

    /// <summary>The 3-class model trained for a few epochs on <see cref="Shapes"/>, with its history.</summary>
    public static (Model Model, History History) TrainShapes()
    {
        Backend.SetRandomSeed(7);
        var (x, y) = Shapes(240, seed: 1);
        var model = new Sequential(
            new Flatten(inputShape: (8, 8, 1)),
            new Dense(16, "relu"),
            new Dense(3, "softmax"));
        model.Compile(new Adam(0.01), "sparse_categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, epochs: 4, batchSize: 16, validationSplit: 0.25, verbose: 0);
        return (model, history);
    }

    /// <summary>8×8×3 RGB images: label 1 when the red channel is brighter than the blue one; labels [N, 1] floats 0/1.</summary>
    public static (Tensor X, Tensor Y) RedOrBlue(int n, int seed)
    {
        var r = new Random(seed);
        var x = new float[n * 8 * 8 * 3];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int label = r.Next(2);
            double strong = 0.4 + 0.6 * r.NextDouble(), weak = 0.7 * r.NextDouble();
            for (int p = 0; p < 64; p++)
            {
                int o = (i * 64 + p) * 3;
                double red = label == 1 ? strong : weak, blue = label == 1 ? weak : strong;
                x[o] = (float)Math.Clamp(red + 0.3 * (r.NextDouble() - 0.5), 0, 1);
                x[o + 1] = (float)(0.5 * r.NextDouble());
                x[o + 2] = (float)Math.Clamp(blue + 0.3 * (r.NextDouble() - 0.5), 0, 1);
            }
            y[i] = label;
        }
        return (tensor(x, new long[] { n, 8, 8, 3 }), tensor(y, new long[] { n, 1 }));
    }

    /// <summary>A one-unit sigmoid model trained on <see cref="RedOrBlue"/>.</summary>
    public static (Model Model, History History) TrainRedOrBlue()
    {
        Backend.SetRandomSeed(8);
        var (x, y) = RedOrBlue(160, seed: 2);
        var model = new Sequential(
            new Flatten(inputShape: (8, 8, 3)),
            new Dense(8, "relu"),
            new Dense(1, "sigmoid"));
        model.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, epochs: 3, batchSize: 16, validationSplit: 0.2, verbose: 0);
        return (model, history);
    }

    /// <summary>A tensor's values as doubles (CPU, row-major).</summary>
    public static double[] Values(Tensor t)
    {
        using var c = t.detach().cpu().to(ScalarType.Float64).contiguous();
        return c.data<double>().ToArray();
    }
}

/// <summary>A batch source that yields nothing.</summary>
internal sealed class EmptySource : IBatchSource
{
    public int BatchesPerEpoch => 0;
    public IEnumerable<Batch> GetBatches(int epoch) { yield break; }
}

/// <summary>A folder under the system temp folder, deleted on dispose.</summary>
public sealed class ReportFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deepen-report-tests-" + Guid.NewGuid().ToString("N"));
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
