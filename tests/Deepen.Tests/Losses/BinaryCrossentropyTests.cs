using Deepen.Losses;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Losses;

public class BinaryCrossentropyTests
{
    // Keras clips probabilities to [ε, 1 − ε] with ε = 1e-7, in float32 (so 1 − ε is the float nearest 0.9999999).
    const double Eps = 1e-7;
    static readonly double Hi = (float)(1 - Eps);

    static double Bce(double y, double p)
    {
        double c = Math.Clamp(p, (float)Eps, Hi);
        return -(y * Math.Log(c) + (1 - y) * Math.Log(1 - c));
    }

    static double BceFromLogit(double y, double x) => Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    [Fact]
    public void ProbabilitiesGiveTheMeanOfBinaryCrossEntropies()
    {
        float[] y = { 1, 0, 1, 0 }, p = { 0.9f, 0.2f, 0.3f, 0.6f };
        using var loss = new BinaryCrossentropy().Call(tensor(y), tensor(p, new long[] { 4, 1 }));
        Assert.Equal(Enumerable.Range(0, 4).Average(i => Bce(y[i], p[i])), loss.item<float>(), 5);
    }

    [Fact]
    public void ProbabilitiesAreClippedAtEpsilon()
    {
        float[] y = { 1, 0, 0, 1 }, p = { 0f, 1f, 0f, 1f };
        using var loss = new BinaryCrossentropy().Call(tensor(y, new long[] { 4, 1 }), tensor(p, new long[] { 4, 1 }));
        double expected = Enumerable.Range(0, 4).Average(i => Bce(y[i], p[i]));
        Assert.Equal((-Math.Log(1e-7) - Math.Log(1 - Hi)) / 4, expected, 6); // the two wrong, saturated answers dominate
        Assert.True(double.IsFinite(loss.item<float>()));
        Assert.Equal(expected, loss.item<float>(), 4);
    }

    [Fact]
    public void MultipleOutputsAreAveragedPerSample()
    {
        float[] y = { 1, 0, 0, 1, 1, 1 }, p = { 0.8f, 0.1f, 0.4f, 0.7f, 0.5f, 0.99f };
        using var loss = new BinaryCrossentropy().Call(tensor(y, new long[] { 2, 3 }), tensor(p, new long[] { 2, 3 }));
        double s0 = Enumerable.Range(0, 3).Average(j => Bce(y[j], p[j])), s1 = Enumerable.Range(3, 3).Average(j => Bce(y[j], p[j]));
        Assert.Equal((s0 + s1) / 2, loss.item<float>(), 5);
    }

    [Fact]
    public void LogitsUseTheStableFormula()
    {
        float[] y = { 1, 0, 1, 0, 1 }, x = { 2.5f, -1f, -3f, 40f, -40f };
        using var loss = new BinaryCrossentropy(fromLogits: true).Call(tensor(y), tensor(x, new long[] { 5, 1 }));
        double expected = Enumerable.Range(0, 5).Average(i => BceFromLogit(y[i], x[i]));
        Assert.Equal(expected, loss.item<float>(), 4);
        Assert.InRange(expected, 80.0 / 5, 90.0 / 5); // the two saturated wrong answers cost ~40 each, not log(1e-7)
    }

    [Fact]
    public void LogitsAndProbabilitiesAgreeAwayFromSaturation()
    {
        float[] y = { 1, 0, 0.3f }, x = { 0.4f, -1.2f, 2f };
        var p = x.Select(v => (float)(1 / (1 + Math.Exp(-v)))).ToArray();
        using var a = new BinaryCrossentropy(fromLogits: true).Call(tensor(y), tensor(x, new long[] { 3, 1 }));
        using var b = new BinaryCrossentropy().Call(tensor(y), tensor(p, new long[] { 3, 1 }));
        Assert.Equal(a.item<float>(), b.item<float>(), 5);
    }

    [Fact]
    public void SampleWeightsAreSummedAndDividedByTheBatchSize()
    {
        float[] y = { 1, 0, 1 }, p = { 0.7f, 0.4f, 0.2f }, w = { 1f, 2f, 0f };
        using var loss = new BinaryCrossentropy().Call(tensor(y), tensor(p, new long[] { 3, 1 }), tensor(w));
        Assert.Equal(Enumerable.Range(0, 3).Sum(i => Bce(y[i], p[i]) * w[i]) / 3, loss.item<float>(), 5);
    }

    [Fact]
    public void TargetsOutsideZeroOneAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new BinaryCrossentropy().ValidateTargets(tensor(new float[] { 0, 1, 2 }), new Shape(1), "y"));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("binary_crossentropy", e.Message);
        Assert.Contains("[0, 2]", e.Message);
        Assert.Contains("expected values in [0, 1]", e.Message);
    }
}
