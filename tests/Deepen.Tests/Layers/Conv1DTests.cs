using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class Conv1DTests
{
    /// <summary>Direct sum: y[t, f] = b[f] + Σ_k Σ_c x[t·stride + k·dilation − padBefore, c] · W[f, c, k].</summary>
    static float[] Reference(float[] x, int steps, int channels, float[] w, float[] b, int filters, int kernel,
        int stride, int dilation, int padBefore, int outSteps)
    {
        var y = new float[outSteps * filters];
        for (int t = 0; t < outSteps; t++)
            for (int f = 0; f < filters; f++)
            {
                double s = b[f];
                for (int k = 0; k < kernel; k++)
                {
                    int src = t * stride + k * dilation - padBefore;
                    if (src < 0 || src >= steps) continue;
                    for (int c = 0; c < channels; c++) s += x[src * channels + c] * w[(f * channels + c) * kernel + k];
                }
                y[t * filters + f] = (float)s;
            }
        return y;
    }

    [Theory]
    [InlineData("valid", 1, 1, 0, 5)]
    [InlineData("valid", 2, 1, 0, 3)]
    [InlineData("same", 1, 1, 1, 7)]
    [InlineData("same", 2, 1, 1, 4)]
    [InlineData("causal", 1, 1, 2, 7)]
    [InlineData("causal", 1, 2, 4, 7)]
    public void MatchesTheDirectSum(string padding, int stride, int dilation, int padBefore, int outSteps)
    {
        Backend.SetRandomSeed(21);
        var conv = new Conv1D(2, 3, strides: stride, padding: padding, dilationRate: dilation);
        Assert.Equal(new Shape(outSteps, 2), conv.Build((7, 3)));
        using (no_grad()) conv.Bias!.Value.uniform_(-1, 1);
        using var x = randn(1, 7, 3);
        using var y = conv.Call(x);
        Assert.Equal(new long[] { 1, outSteps, 2 }, y.shape);
        var expected = Reference(TestData.Values(x), 7, 3, TestData.Values(conv.Kernel.Value), TestData.Values(conv.Bias.Value),
            2, 3, stride, dilation, padBefore, outSteps);
        TestData.AssertClose(expected, TestData.Values(y), 1e-5);
    }

    [Fact]
    public void CausalOutputsIgnoreTheFuture()
    {
        Backend.SetRandomSeed(22);
        var conv = new Conv1D(4, 3, padding: "causal", dilationRate: 2);
        conv.Build((10, 2));
        using var x = randn(1, 10, 2);
        using var x2 = x.clone();
        using (no_grad()) x2[0, 6] = tensor(new float[] { 5, -5 });       // change step 6 only
        using var a = conv.Call(x);
        using var b = conv.Call(x2);
        TestData.AssertTensorsClose(a.narrow(1, 0, 6), b.narrow(1, 0, 6), 0);
        Assert.False(a.select(1, 6).allclose(b.select(1, 6)));
    }

    [Fact]
    public void RejectsBadArgumentsAndRanks()
    {
        Assert.Contains("Received: padding=\"full\"", Assert.Throws<ArgumentException>(() => new Conv1D(2, 3, padding: "full")).Message);
        Assert.Contains("Received: kernelSize=0", Assert.Throws<ArgumentException>(() => new Conv1D(2, 0)).Message);
        Assert.Contains("strides", Assert.Throws<ArgumentException>(() => new Conv1D(2, 3, strides: 2, dilationRate: 2)).Message);
        Assert.Contains("expected ndim=3", Assert.Throws<ArgumentException>(() => new Conv1D(2, 3).Build((4, 4, 1))).Message);
        Assert.Contains("kernel spans 5", Assert.Throws<ArgumentException>(() => new Conv1D(2, 5).Build((4, 1))).Message);
    }

    [Fact]
    public void PoolingLayersMatchClosedForms()
    {
        using var x = tensor(new float[] { 1, 10, 5, 20, 3, 30, 2, 40, 4, 50 }, new long[] { 1, 5, 2 });
        var max = new MaxPooling1D(2);
        Assert.Equal(new Shape(2, 2), max.Build((5, 2)));
        Assert.Equal(new float[] { 5, 20, 3, 40 }, TestData.Values(max.Call(x)));
        var maxSame = new MaxPooling1D(2, padding: "same");
        Assert.Equal(new Shape(3, 2), maxSame.Build((5, 2)));
        Assert.Equal(new float[] { 5, 20, 3, 40, 4, 50 }, TestData.Values(maxSame.Call(x)));
        var avg = new AveragePooling1D(2, strides: 1);
        Assert.Equal(new Shape(4, 2), avg.Build((5, 2)));
        Assert.Equal(new float[] { 3, 15, 4, 25, 2.5f, 35, 3, 45 }, TestData.Values(avg.Call(x)));
        var avgSame = new AveragePooling1D(2, padding: "same");                 // the last window holds only one real step
        avgSame.Build((5, 2));
        Assert.Equal(new float[] { 3, 15, 2.5f, 35, 4, 50 }, TestData.Values(avgSame.Call(x)));
        var gmax = new GlobalMaxPooling1D();
        Assert.Equal(new Shape(2), gmax.Build((5, 2)));
        Assert.Equal(new float[] { 5, 50 }, TestData.Values(gmax.Call(x)));
        var gavg = new GlobalAveragePooling1D(keepDims: true);
        Assert.Equal(new Shape(1, 2), gavg.Build((5, 2)));
        Assert.Equal(new float[] { 3, 30 }, TestData.Values(gavg.Call(x)));
        Assert.Contains("window 6", Assert.Throws<ArgumentException>(() => new MaxPooling1D(6).Build((5, 2))).Message);
        Assert.Contains("expected ndim=3", Assert.Throws<ArgumentException>(() => new GlobalAveragePooling1D().Build(5)).Message);
    }

    [Fact]
    public void GlobalAveragePoolingAveragesOnlyRealSteps()
    {
        using var x = tensor(new float[] { 1, 2, 3, 4, 100, 100, 5, 6, 100, 100, 100, 100 }, new long[] { 2, 3, 2 });
        using var mask = tensor(new[] { true, true, false, true, false, false }, new long[] { 2, 3 });
        var gap = new GlobalAveragePooling1D();
        gap.Build((3, 2));
        Assert.Equal(new float[] { 2, 3, 5, 6 }, TestData.Values(gap.Call(x, mask, false)));
        using var none = tensor(new[] { false, false, false }, new long[] { 1, 3 });
        Assert.Equal(new float[] { 0, 0 }, TestData.Values(gap.Call(x.narrow(0, 0, 1), none, false)));   // no real step → zeros
        Assert.Null(gap.ComputeMask(x, mask));
    }

    [Fact]
    public void SavesAndLoads()
    {
        Backend.SetRandomSeed(23);
        var model = new Sequential(new Conv1D(4, 3, padding: "causal", dilationRate: 2, activation: "relu", inputShape: (12, 3)),
            new MaxPooling1D(2, padding: "same"), new Conv1D(3, 2, strides: 2), new AveragePooling1D(2, strides: 1),
            new GlobalMaxPooling1D(), new Dense(2));
        using var x = randn(3, 12, 3);
        LayerRoundTrip.AssertSamePredictions(model, x);
        var gap = new Sequential(new GlobalAveragePooling1D(keepDims: true, inputShape: (4, 2)));
        using var x2 = randn(2, 4, 2);
        LayerRoundTrip.AssertSamePredictions(gap, x2);
    }
}

/// <summary>Conv1D under the mixed_bfloat16 policy: the convolution runs in bf16 with float32 master weights, as Conv2D and Dense.</summary>
public class Conv1DMixedPrecisionTests
{
    [Fact]
    public void MixedBFloat16ReachesConv1D()
    {
        Backend.SetRandomSeed(5);
        var conv = new Conv1D(4, 3, padding: "same", inputShape: (12, 3));
        var model = new Sequential(conv);
        using var x = randn(6, 12, 3);
        using var float32 = model.Predict(x);
        model.DTypePolicy = "mixed_bfloat16";
        using var mixed = model.Predict(x);

        // What a bf16 convolution gives: inputs, kernel and bias rounded to bf16, the sum in bf16, read back as float32.
        using var expected = nn.functional.conv1d(nn.functional.pad(x.transpose(1, 2).to(ScalarType.BFloat16), new long[] { 1, 1 }),
            conv.Kernel.Value.detach().to(ScalarType.BFloat16), conv.Bias!.Value.detach().to(ScalarType.BFloat16))
            .transpose(1, 2).to(ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        Assert.Equal(ScalarType.Float32, conv.Kernel.Value.dtype);              // master weights stay float32
        Assert.Equal(TestData.Values(expected), TestData.Values(mixed));             // the mixed output is the bf16 convolution
        Assert.NotEqual(TestData.Values(float32), TestData.Values(mixed));           // bf16 rounding shows: the policy reached the layer
    }
}
