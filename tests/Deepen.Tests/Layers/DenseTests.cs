using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class DenseTests
{
    [Fact]
    public void ComputesActivationOfXTimesKernelPlusBias()
    {
        Backend.SetRandomSeed(4);
        var dense = new Dense(3, "relu");
        dense.Build(2);
        var w = TestData.Values(dense.Kernel.Value); // [units, in]
        Assert.Equal(new long[] { 3, 2 }, dense.Kernel.Shape);
        using (no_grad()) dense.Bias!.Value.copy_(tensor(new float[] { 0.1f, -0.2f, 0.3f }));

        float[] x = { 1.5f, -0.5f };
        using var output = dense.Call(tensor(x, new long[] { 1, 2 }));
        var y = TestData.Values(output);
        float[] b = { 0.1f, -0.2f, 0.3f };
        for (int u = 0; u < 3; u++)
        {
            double z = w[u * 2] * x[0] + w[u * 2 + 1] * x[1] + b[u];
            Assert.Equal(Math.Max(0, z), y[u], 5);
        }
    }

    [Fact]
    public void KernelIsGlorotUniformAndBiasZero()
    {
        Backend.SetRandomSeed(5);
        var dense = new Dense(100);
        dense.Build(60);
        double limit = Math.Sqrt(6.0 / (60 + 100));
        var k = TestData.Values(dense.Kernel.Value);
        Assert.All(k, v => Assert.InRange(Math.Abs(v), 0, limit));
        Assert.True(k.Max(Math.Abs) > 0.95 * limit, "the draws should fill the glorot range");
        Assert.True(Math.Abs(k.Average()) < 0.01);
        Assert.All(TestData.Values(dense.Bias!.Value), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void WithoutBiasHasOnlyAKernel()
    {
        var dense = new Dense(4, useBias: false);
        dense.Build(3);
        Assert.Null(dense.Bias);
        Assert.Equal(12, dense.CountParams());
    }

    [Fact]
    public void AppliesToTheLastAxis()
    {
        var dense = new Dense(5);
        Assert.Equal(new Shape(7, 5), dense.Build((7, 3)));
        using var y = dense.Call(zeros(2, 7, 3));
        Assert.Equal(new long[] { 2, 7, 5 }, y.shape);
    }

    [Fact]
    public void RejectsNonPositiveUnitsAndUnknownNames()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dense(0));
        Assert.Contains("units", e.Message);
        Assert.Contains("Received: units=0", e.Message);
        var a = Assert.Throws<ArgumentException>(() => new Dense(2, "relux"));
        Assert.Contains("`activation`", a.Message);
        Assert.Contains("\"relux\"", a.Message);
        var i = Assert.Throws<ArgumentException>(() => new Dense(2, kernelInitializer: "glorot"));
        Assert.Contains("kernelInitializer", i.Message);
        Assert.Contains("\"glorot\"", i.Message);
    }

    [Fact]
    public void UnknownActivationFailsInTheModelDefinitionWithTheName()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Dense(2, activation: "softmaxx", inputShape: 3)));
        Assert.Equal("activation", e.ParamName);
        Assert.Contains("Received: activation=\"softmaxx\"", e.Message);
        Assert.Contains("\"relu\"", e.Message);
    }
}
