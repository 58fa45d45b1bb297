using Deepen.Losses;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Losses;

public class SparseCategoricalCrossentropyTests
{
    const double Eps = 1e-7;
    static readonly long[] Labels = { 1, 0, 2 };
    static readonly double[][] P = { new[] { 0.1, 0.7, 0.2 }, new[] { 0.5, 0.25, 0.25 }, new[] { 0.6, 0.6, 0.8 } };

    static Tensor T(double[][] rows) => tensor(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), new long[] { rows.Length, rows[0].Length });

    static double Expected(int i) => -Math.Log(Math.Clamp(P[i][Labels[i]] / P[i].Sum(), Eps, 1 - Eps));

    [Fact]
    public void IsMinusLogOfTheRenormalizedLabelProbability()
    {
        using var loss = new SparseCategoricalCrossentropy().Call(tensor(Labels), T(P));
        Assert.Equal(Enumerable.Range(0, 3).Average(Expected), loss.item<float>(), 5);
    }

    [Fact]
    public void AcceptsFloatLabelsAndATrailingAxis()
    {
        using var a = new SparseCategoricalCrossentropy().Call(tensor(new float[] { 1, 0, 2 }, new long[] { 3, 1 }), T(P));
        Assert.Equal(Enumerable.Range(0, 3).Average(Expected), a.item<float>(), 5);
    }

    [Fact]
    public void LogitsUseLogSoftmax()
    {
        double[][] z = { new[] { 2.0, -1.0, 0.5 }, new[] { -3.0, 0.0, 3.0 }, new[] { 1.0, 1.0, 1.0 } };
        using var loss = new SparseCategoricalCrossentropy(fromLogits: true).Call(tensor(Labels), T(z));
        double expected = Enumerable.Range(0, 3).Average(i => Math.Log(z[i].Sum(Math.Exp)) - z[i][Labels[i]]);
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void SampleWeightsAreSummedAndDividedByTheBatchSize()
    {
        float[] w = { 3f, 0f, 1f };
        using var loss = new SparseCategoricalCrossentropy().Call(tensor(Labels), T(P), tensor(w));
        Assert.Equal(Enumerable.Range(0, 3).Sum(i => Expected(i) * w[i]) / 3, loss.item<float>(), 5);
    }

    [Fact]
    public void LabelAtOrAboveTheClassCountIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new SparseCategoricalCrossentropy().ValidateTargets(tensor(new long[] { 0, 3, 1 }), new Shape(3), "y"));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("labels in [0, 3]", e.Message);
        Assert.Contains("[0, 2]", e.Message);
        Assert.Contains("3 outputs", e.Message);
    }

    [Fact]
    public void NegativeAndFractionalLabelsAreRejected()
    {
        var neg = Assert.Throws<ArgumentException>(() =>
            new SparseCategoricalCrossentropy().ValidateTargets(tensor(new long[] { -1, 1 }), new Shape(3), "y"));
        Assert.Contains("labels in [-1, 1]", neg.Message);
        var frac = Assert.Throws<ArgumentException>(() =>
            new SparseCategoricalCrossentropy().ValidateTargets(tensor(new float[] { 0.5f, 1 }), new Shape(3), "y"));
        Assert.Contains("non-integer", frac.Message);
    }

    [Fact]
    public void OneHotTargetsAreRejectedWithAHintToUseTheCategoricalLoss()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new SparseCategoricalCrossentropy().ValidateTargets(tensor(new float[] { 0, 1, 0, 1, 0, 0 }, new long[] { 2, 3 }), new Shape(3), "y"));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("shape (2, 3)", e.Message);
        Assert.Contains("one-hot", e.Message);
        Assert.Contains("\"categorical_crossentropy\"", e.Message);
    }
}
