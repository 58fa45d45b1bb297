using static TorchSharp.torch;

namespace Deepen.Tests.Helpers;

/// <summary>Small generated data sets and tensor helpers shared by the tests.</summary>
internal static class TestData
{
    /// <summary>The four XOR points and their labels.</summary>
    public static (float[,] X, float[] Y) Xor() =>
        (new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, new float[] { 0, 1, 1, 0 });

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gaussian(Random r)
    {
        double u1 = 1.0 - r.NextDouble(), u2 = r.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>scikit-learn's make_moons: two interleaving half circles with Gaussian noise; labels 0 (outer) and 1 (inner).</summary>
    public static (float[,] X, float[] Y) TwoMoons(int n, double noise, int seed)
    {
        var r = new Random(seed);
        var x = new float[n, 2];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % 2;
            double t = Math.PI * r.NextDouble();
            double px = label == 0 ? Math.Cos(t) : 1 - Math.Cos(t);
            double py = label == 0 ? Math.Sin(t) : 0.5 - Math.Sin(t);
            x[i, 0] = (float)(px + noise * Gaussian(r));
            x[i, 1] = (float)(py + noise * Gaussian(r));
            y[i] = label;
        }
        return (x, y);
    }

    /// <summary>
    /// size×size×1 images of noise with one bright bar (3 pixels thick, half to three quarters of the size long) at a random place: label 0 when the bar is
    /// horizontal, 1 when vertical.
    /// </summary>
    public static (float[,,,] X, float[] Y) Bars(int n, int seed, int size = 16)
    {
        var r = new Random(seed);
        var x = new float[n, size, size, 1];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int a = 0; a < size; a++)
                for (int b = 0; b < size; b++)
                    x[i, a, b, 0] = (float)(0.3 * r.NextDouble());
            int label = r.Next(2);
            int length = r.Next(size / 2, size * 3 / 4 + 1), along = r.Next(0, size - length + 1), across = r.Next(0, size - 3 + 1);
            for (int k = 0; k < length; k++)
                for (int t = 0; t < 3; t++)
                {
                    int row = label == 0 ? across + t : along + k;
                    int col = label == 0 ? along + k : across + t;
                    x[i, row, col, 0] = (float)(0.7 + 0.3 * r.NextDouble());
                }
            y[i] = label;
        }
        return (x, y);
    }

    /// <summary>A noisy linear regression: y = x·w + 0.5 with 4 features and 1 target.</summary>
    public static (Tensor X, Tensor Y) LinearRegression(int n, int seed)
    {
        var r = new Random(seed);
        double[] w = { 1.5, -2.0, 0.5, 3.0 };
        var x = new float[n * 4];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0.5;
            for (int j = 0; j < 4; j++) { x[i * 4 + j] = (float)Gaussian(r); s += w[j] * x[i * 4 + j]; }
            y[i] = (float)(s + 0.01 * Gaussian(r));
        }
        return (tensor(x, new long[] { n, 4 }), tensor(y, new long[] { n, 1 }));
    }

    /// <summary>A tensor's values as a flat float array (on the CPU).</summary>
    public static float[] Values(Tensor t)
    {
        using var c = t.detach().cpu().contiguous().to(ScalarType.Float32);
        return c.data<float>().ToArray();
    }

    /// <summary>Rows [from, from + count) of a 2-D array.</summary>
    public static float[,] Rows(float[,] a, int from, int count)
    {
        var r = new float[count, a.GetLength(1)];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < a.GetLength(1); j++) r[i, j] = a[from + i, j];
        return r;
    }

    /// <summary>Asserts that every element of two tensors agrees within <paramref name="tolerance"/>.</summary>
    public static void AssertTensorsClose(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        AssertClose(Values(expected), Values(actual), tolerance);
    }

    /// <summary>Asserts that two arrays agree element-wise within <paramref name="tolerance"/>.</summary>
    public static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
    }

    /// <summary>Whether two lists of tensors are bit-identical.</summary>
    public static bool SameWeights(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) =>
        a.Count == b.Count && a.Zip(b).All(p => BitEqual(p.First, p.Second));

    /// <summary>Whether two tensors have the same shape and bit-identical values (torch.equal).</summary>
    public static bool BitEqual(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
