using Deepen.Losses;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Losses;

public class CategoricalCrossentropyTests
{
    const double Eps = 1e-7;

    /// <summary>Keras: renormalize each row to sum 1, clip to [ε, 1 − ε], then −Σ y·log p.</summary>
    static double Cce(double[] y, double[] p)
    {
        double s = p.Sum();
        return -y.Select((t, j) => t * Math.Log(Math.Clamp(p[j] / s, Eps, 1 - Eps))).Sum();
    }

    static double CceFromLogits(double[] y, double[] z)
    {
        double m = z.Max(), lse = m + Math.Log(z.Sum(v => Math.Exp(v - m)));
        return -y.Select((t, j) => t * (z[j] - lse)).Sum();
    }

    static readonly double[][] Y = { new double[] { 0, 1, 0 }, new double[] { 1, 0, 0 }, new double[] { 0.2, 0.3, 0.5 } };

    static Tensor T(double[][] rows) => tensor(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), new long[] { rows.Length, rows[0].Length });

    [Fact]
    public void ProbabilitiesGiveTheMeanCrossEntropy()
    {
        double[][] p = { new[] { 0.1, 0.7, 0.2 }, new[] { 0.5, 0.25, 0.25 }, new[] { 0.3, 0.3, 0.4 } };
        using var loss = new CategoricalCrossentropy().Call(T(Y), T(p));
        Assert.Equal(Enumerable.Range(0, 3).Average(i => Cce(Y[i], p[i])), loss.item<float>(), 5);
    }

    [Fact]
    public void UnnormalizedProbabilitiesAreRenormalized()
    {
        double[][] p = { new[] { 0.2, 0.2, 0.4 }, new[] { 1.0, 1.0, 2.0 }, new[] { 0.1, 0.1, 0.1 } };
        using var loss = new CategoricalCrossentropy().Call(T(Y), T(p));
        double expected = Enumerable.Range(0, 3).Average(i => Cce(Y[i], p[i]));
        Assert.Equal(-(Math.Log(0.25) + Math.Log(0.25) + Math.Log(1.0 / 3)) / 3, expected, 9); // the renormalized rows, by hand
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void ZeroProbabilityIsClipped()
    {
        double[][] y = { new double[] { 1, 0 } }, p = { new double[] { 0, 1 } };
        using var loss = new CategoricalCrossentropy().Call(T(y), T(p));
        Assert.Equal(-Math.Log(Eps), loss.item<float>(), 3);
    }

    [Fact]
    public void LogitsUseLogSoftmax()
    {
        double[][] z = { new[] { 2.0, -1.0, 0.5 }, new[] { 100.0, 0.0, -100.0 }, new[] { 0.0, 0.0, 0.0 } };
        using var loss = new CategoricalCrossentropy(fromLogits: true).Call(T(Y), T(z));
        Assert.Equal(Enumerable.Range(0, 3).Average(i => CceFromLogits(Y[i], z[i])), loss.item<float>(), 4);
    }

    [Fact]
    public void SampleWeightsAreSummedAndDividedByTheBatchSize()
    {
        double[][] p = { new[] { 0.1, 0.7, 0.2 }, new[] { 0.5, 0.25, 0.25 }, new[] { 0.3, 0.3, 0.4 } };
        float[] w = { 0.5f, 2f, 1f };
        using var loss = new CategoricalCrossentropy().Call(T(Y), T(p), tensor(w));
        Assert.Equal(Enumerable.Range(0, 3).Sum(i => Cce(Y[i], p[i]) * w[i]) / 3, loss.item<float>(), 5);
    }

    [Fact]
    public void IntegerLabelsAreRejectedWithAHintToUseTheSparseLoss()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new CategoricalCrossentropy().ValidateTargets(tensor(new long[] { 0, 2, 1 }), new Shape(3), "y"));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("shape (3)", e.Message);
        Assert.Contains("(3, 3)", e.Message);
        Assert.Contains("sparse_categorical_crossentropy", e.Message);
    }
}
