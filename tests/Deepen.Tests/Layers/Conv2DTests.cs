using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class Conv2DTests
{
    /// <summary>Direct channels-last convolution with TensorFlow's "same" padding (extra zero after).</summary>
    static float[] Reference(float[] x, int h, int w, int cin, float[] kernel, int f, int kh, int kw, float[] bias,
        int stride, bool same, out int oh, out int ow)
    {
        int padTop = 0, padLeft = 0;
        if (same)
        {
            oh = (h + stride - 1) / stride; ow = (w + stride - 1) / stride;
            padTop = Math.Max((oh - 1) * stride + kh - h, 0) / 2;
            padLeft = Math.Max((ow - 1) * stride + kw - w, 0) / 2;
        }
        else { oh = (h - kh) / stride + 1; ow = (w - kw) / stride + 1; }
        var y = new float[oh * ow * f];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                for (int o = 0; o < f; o++)
                {
                    double s = bias[o];
                    for (int a = 0; a < kh; a++)
                        for (int b = 0; b < kw; b++)
                        {
                            int r = i * stride + a - padTop, c = j * stride + b - padLeft;
                            if (r < 0 || r >= h || c < 0 || c >= w) continue;
                            for (int ch = 0; ch < cin; ch++)
                                s += x[(r * w + c) * cin + ch] * kernel[((o * cin + ch) * kh + a) * kw + b]; // kernel [f, cin, kh, kw]
                        }
                    y[(i * ow + j) * f + o] = (float)s;
                }
        return y;
    }

    [Theory]
    [InlineData("valid", 1)]
    [InlineData("valid", 2)]
    [InlineData("same", 1)]
    [InlineData("same", 2)]
    public void MatchesADirectChannelsLastConvolution(string padding, int stride)
    {
        Backend.SetRandomSeed(6);
        const int h = 6, w = 5, cin = 2, f = 3, kh = 3, kw = 2;
        var conv = new Conv2D(f, (kh, kw), strides: stride, padding: padding, biasInitializer: "random_uniform");
        conv.Build((h, w, cin));
        var r = new Random(1);
        var x = Enumerable.Range(0, h * w * cin).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        using var output = conv.Call(tensor(x, new long[] { 1, h, w, cin }));
        var expected = Reference(x, h, w, cin, TestData.Values(conv.Kernel.Value), f, kh, kw, TestData.Values(conv.Bias!.Value),
            stride, padding == "same", out int oh, out int ow);
        Assert.Equal(new long[] { 1, oh, ow, f }, output.shape);
        Assert.Equal(new Shape(oh, ow, f), conv.OutputShape);
        TestData.AssertClose(expected, TestData.Values(output), 1e-5);
    }

    [Fact]
    public void SamePaddingPutsTheExtraZeroAfterAsTensorFlowDoes()
    {
        // 4×4 input 0..15, 3×3 ones kernel, stride 2: output 2×2; total padding 1, all of it after.
        var conv = new Conv2D(1, 3, strides: 2, padding: "same", kernelInitializer: "ones");
        conv.Build((4, 4, 1));
        using var x = arange(16, dtype: ScalarType.Float32).reshape(1, 4, 4, 1);
        var y = TestData.Values(conv.Call(x));
        float Sum(int r0, int c0)
        {
            float s = 0;
            for (int r = r0; r < Math.Min(r0 + 3, 4); r++)
                for (int c = c0; c < Math.Min(c0 + 3, 4); c++) s += r * 4 + c;
            return s;
        }
        Assert.Equal(new[] { Sum(0, 0), Sum(0, 2), Sum(2, 0), Sum(2, 2) }, y);
    }

    [Fact]
    public void KernelIsGlorotUniformWithReceptiveFieldFans()
    {
        Backend.SetRandomSeed(7);
        var conv = new Conv2D(32, 3);
        conv.Build((10, 10, 16));
        Assert.Equal(new long[] { 32, 16, 3, 3 }, conv.Kernel.Shape);
        double limit = Math.Sqrt(6.0 / (9 * 16 + 9 * 32));
        var k = TestData.Values(conv.Kernel.Value);
        Assert.All(k, v => Assert.InRange(Math.Abs(v), 0, limit));
        Assert.True(k.Max(Math.Abs) > 0.95 * limit);
        Assert.All(TestData.Values(conv.Bias!.Value), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void KernelLargerThanInputWithValidPaddingIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Conv2D(4, 5, inputShape: (3, 3, 1))));
        Assert.Contains("conv2d", e.Message);
        Assert.Contains("(5, 5)", e.Message);
        Assert.Contains("(None, 3, 3, 1)", e.Message);
        Assert.Contains("padding=\"valid\"", e.Message);

        // "same" accepts it.
        var ok = new Sequential(new Conv2D(4, 5, padding: "same", inputShape: (3, 3, 1)));
        Assert.Equal(new Shape(3, 3, 4), ok.OutputShape);
    }

    [Fact]
    public void UnknownPaddingAndBadSizesAreRejectedWithTheirValues()
    {
        var p = Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, padding: "full"));
        Assert.Equal("padding", p.ParamName);
        Assert.Contains("Received: padding=\"full\"", p.Message);
        Assert.Contains("\"valid\"", p.Message);
        var k = Assert.Throws<ArgumentException>(() => new Conv2D(4, (0, 3)));
        Assert.Contains("Received: kernelSize=(0, 3)", k.Message);
        var s = Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, strides: -1));
        Assert.Contains("Received: strides=(-1, -1)", s.Message);
        var f = Assert.Throws<ArgumentException>(() => new Conv2D(0, 3));
        Assert.Contains("Received: filters=0", f.Message);
    }

    [Fact]
    public void WrongInputRankIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Conv2D(4, 3, inputShape: (28, 28))));
        Assert.Contains("expected ndim=4, found ndim=3", e.Message);
        Assert.Contains("(None, 28, 28)", e.Message);
    }

    [Theory]
    [InlineData(12, 2)]
    [InlineData(13, 2)]
    [InlineData(9, 3)]
    public void StridedOneByOneConvolutionMatchesLibTorchInValueAndGradient(int size, int stride)
    {
        // Deepen takes every stride-th pixel and convolves with stride 1 (LibTorch 2.10's own strided 1×1 backward on
        // channels-last inputs corrupted the heap on AVX-512 CPUs). Values and gradients must equal a plain NCHW conv.
        Backend.SetRandomSeed(5);
        var layer = new Conv2D(6, 1, strides: stride, padding: "same");
        layer.Build(new Shape(size, size, 4));
        var x = randn(3, size, size, 4).requires_grad_(true);
        var y = layer.Call(x);
        y.pow(2).sum().backward();
        var xr = x.detach().clone().requires_grad_(true);
        var kr = layer.Kernel.Value.detach().clone().requires_grad_(true);
        var yr = nn.functional.conv2d(xr.permute(0, 3, 1, 2).contiguous(), kr, layer.Bias!.Value.detach(), new long[] { stride, stride })
            .permute(0, 2, 3, 1);
        yr.pow(2).sum().backward();
        Assert.Equal(yr.shape, y.shape);
        Assert.True(y.allclose(yr, atol: 1e-5));
        Assert.True(x.grad!.allclose(xr.grad!, atol: 1e-4));
        Assert.True(layer.Kernel.Value.grad!.allclose(kr.grad!, atol: 1e-3));
    }
}
