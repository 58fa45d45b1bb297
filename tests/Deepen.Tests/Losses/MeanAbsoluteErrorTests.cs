using Deepen.Losses;
using static TorchSharp.torch;

namespace Deepen.Tests.Losses;

public class MeanAbsoluteErrorTests
{
    [Fact]
    public void IsTheMeanOfAbsoluteDifferences()
    {
        float[] yTrue = { 1f, 2f, -1f, 0.5f }, yPred = { 0.25f, 2.5f, 1f, -0.5f };
        using var loss = new MeanAbsoluteError().Call(tensor(yTrue, new long[] { 2, 2 }), tensor(yPred, new long[] { 2, 2 }));
        double expected = yTrue.Zip(yPred, (t, p) => Math.Abs(t - p)).Average();
        Assert.Equal(expected, loss.item<float>(), 6);
    }

    [Fact]
    public void SampleWeightsAreSummedAndDividedByTheBatchSize()
    {
        float[] yTrue = { 1f, 2f, 3f }, yPred = { 2f, 0f, 3.5f }, w = { 1f, 3f, 2f };
        using var loss = new MeanAbsoluteError().Call(tensor(yTrue, new long[] { 3, 1 }), tensor(yPred, new long[] { 3, 1 }), tensor(w));
        double expected = Enumerable.Range(0, 3).Sum(i => Math.Abs(yTrue[i] - yPred[i]) * w[i]) / 3;
        Assert.Equal(expected, loss.item<float>(), 6);
    }

    [Fact]
    public void RegistryNamesResolveToIt()
    {
        Assert.IsType<MeanAbsoluteError>(LossRegistry.Get("mae"));
        Assert.IsType<MeanAbsoluteError>(LossRegistry.Get("mean_absolute_error"));
    }
}
