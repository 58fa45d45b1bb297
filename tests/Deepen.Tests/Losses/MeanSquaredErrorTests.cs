using Deepen.Losses;
using static TorchSharp.torch;

namespace Deepen.Tests.Losses;

public class MeanSquaredErrorTests
{
    static readonly float[] YTrue = { 1f, 2f, -1f, 0.5f, 0f, 3f };
    static readonly float[] YPred = { 0.5f, 2.5f, 1f, 0.5f, -1f, 1f };

    static double[] PerSample() => Enumerable.Range(0, 3)
        .Select(i => Enumerable.Range(0, 2).Average(j => Math.Pow(YPred[i * 2 + j] - YTrue[i * 2 + j], 2))).ToArray();

    [Fact]
    public void IsTheMeanOfSquaredDifferences()
    {
        using var loss = new MeanSquaredError().Call(tensor(YTrue, new long[] { 3, 2 }), tensor(YPred, new long[] { 3, 2 }));
        Assert.Empty(loss.shape);
        Assert.Equal(PerSample().Average(), loss.item<float>(), 6);
    }

    [Fact]
    public void SampleWeightsAreSummedAndDividedByTheBatchSize()
    {
        float[] w = { 2f, 0f, 0.5f };
        using var loss = new MeanSquaredError().Call(tensor(YTrue, new long[] { 3, 2 }), tensor(YPred, new long[] { 3, 2 }), tensor(w));
        var per = PerSample();
        Assert.Equal(per.Select((l, i) => l * w[i]).Sum() / 3, loss.item<float>(), 6);
    }

    [Fact]
    public void TargetsWithoutTheTrailingAxisAreAligned()
    {
        using var loss = new MeanSquaredError().Call(tensor(new float[] { 1, 2 }), tensor(new float[] { 0, 4 }, new long[] { 2, 1 }));
        Assert.Equal((1.0 + 4.0) / 2, loss.item<float>(), 6);
    }

    [Fact]
    public void RegistryNamesResolveToIt()
    {
        Assert.IsType<MeanSquaredError>(LossRegistry.Get("mse"));
        Assert.IsType<MeanSquaredError>(LossRegistry.Get("mean_squared_error"));
        Assert.IsType<MeanSquaredError>(LossRegistry.Get("MSE"));
    }
}
