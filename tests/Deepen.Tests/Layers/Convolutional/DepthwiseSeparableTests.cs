using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Convolutional;

/// <summary>
/// keras/src/layers/convolutional/depthwise_conv_test.py (test_depthwise_conv2d_basic, test_depthwise_conv2d,
/// test_bad_init_args) and separable_conv_test.py (test_separable_conv2d_basic, test_separable_conv2d): shapes, and
/// outputs against a direct evaluation of Keras's definition with Keras-layout kernels.
/// </summary>
public class DepthwiseSeparableTests
{
    /// <summary>out[b, i, j, c·m + k] = Σ x_padded[b, i·s + a·d, j·s + e·d, c] · kernel[a, e, c, k] + bias (Keras's depthwise).</summary>
    static double[,,,] Depthwise(Tensor x, Tensor kernel, float[]? bias, int s, int d, string padding)
    {
        int n = (int)x.shape[0], h = (int)x.shape[1], w = (int)x.shape[2], cin = (int)x.shape[3];
        int kh = (int)kernel.shape[0], kw = (int)kernel.shape[1], m = (int)kernel.shape[3];
        int ekh = (kh - 1) * d + 1, ekw = (kw - 1) * d + 1;
        int oh = padding == "same" ? (h + s - 1) / s : (h - ekh) / s + 1, ow = padding == "same" ? (w + s - 1) / s : (w - ekw) / s + 1;
        int top = padding == "same" ? Math.Max((oh - 1) * s + ekh - h, 0) / 2 : 0, left = padding == "same" ? Math.Max((ow - 1) * s + ekw - w, 0) / 2 : 0;
        var xv = TestData.Values(x); var kv = TestData.Values(kernel);
        var result = new double[n, oh, ow, cin * m];
        for (int b = 0; b < n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int c = 0; c < cin; c++) for (int k = 0; k < m; k++)
        {
            double sum = bias?[c * m + k] ?? 0;
            for (int a = 0; a < kh; a++) for (int e = 0; e < kw; e++)
            {
                int r = i * s + a * d - top, q = j * s + e * d - left;
                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                sum += xv[((b * h + r) * w + q) * cin + c] * kv[((a * kw + e) * cin + c) * m + k];
            }
            result[b, i, j, c * m + k] = sum;
        }
        return result;
    }

    [Theory] // test_depthwise_conv2d_basic / test_depthwise_conv2d
    [InlineData(5, 2, 1, 1, "valid", 5, 5, 4)]
    [InlineData(6, 2, 1, 2, "same", 4, 4, 4)]
    [InlineData(2, 3, 2, 1, "same", 7, 7, 3)]
    [InlineData(3, 3, 2, 1, "valid", 8, 8, 2)]
    public void DepthwiseMatchesKeras(int multiplier, int k, int s, int d, string padding, int rows, int cols, int channels)
    {
        Backend.SetRandomSeed(9);
        var layer = new DepthwiseConv2D(k, s, padding, multiplier, d);
        layer.Build((rows, cols, channels));
        Assert.Equal(new long[] { k, k, channels, multiplier }, layer.GetWeights()[0].shape);     // Keras: (kh, kw, in, multiplier)
        Assert.Equal(k * k * channels * multiplier + channels * multiplier, layer.CountParams());
        using var kernel = randn(k, k, channels, multiplier);
        using var bias = randn(channels * multiplier);
        layer.SetWeights([kernel, bias]);
        using var x = randn(3, rows, cols, channels);
        using var y = layer.Call(x);
        var expected = Depthwise(x, kernel, TestData.Values(bias), s, d, padding);
        Assert.Equal(new long[] { 3, expected.GetLength(1), expected.GetLength(2), channels * multiplier }, y.shape);
        TestData.AssertClose(expected.Cast<double>().Select(v => (float)v).ToArray(), TestData.Values(y), 1e-4);
        Assert.True(layer.GetWeights()[0].eq(kernel).all().item<bool>());                      // the layout round-trips
    }

    [Theory] // test_separable_conv2d: depthwise then a 1×1 pointwise convolution, then the bias
    [InlineData(5, 2, 2, 1, 1, "valid")]
    [InlineData(6, 3, 1, 1, 2, "same")]
    [InlineData(4, 3, 2, 2, 1, "same")]
    public void SeparableMatchesKeras(int filters, int multiplier, int k, int s, int d, string padding)
    {
        Backend.SetRandomSeed(10);
        var layer = new SeparableConv2D(filters, k, s, padding, multiplier, d);
        layer.Build((6, 6, 3));
        var shapes = layer.GetWeights().Select(w => w.shape).ToArray();
        Assert.Equal(new long[] { k, k, 3, multiplier }, shapes[0]);
        Assert.Equal(new long[] { 1, 1, 3 * multiplier, filters }, shapes[1]);
        Assert.Equal(new long[] { filters }, shapes[2]);
        using var depthwise = randn(k, k, 3, multiplier);
        using var pointwise = randn(1, 1, 3 * multiplier, filters);
        using var bias = randn(filters);
        layer.SetWeights([depthwise, pointwise, bias]);
        using var x = randn(2, 6, 6, 3);
        using var y = layer.Call(x);
        var mid = Depthwise(x, depthwise, null, s, d, padding);
        var pv = TestData.Values(pointwise); var bv = TestData.Values(bias);
        int oh = mid.GetLength(1), ow = mid.GetLength(2), cm = 3 * multiplier;
        var expected = new List<float>();
        for (int b = 0; b < 2; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int f = 0; f < filters; f++)
        {
            double sum = bv[f];
            for (int c = 0; c < cm; c++) sum += mid[b, i, j, c] * pv[c * filters + f];
            expected.Add((float)sum);
        }
        Assert.Equal(new long[] { 2, oh, ow, filters }, y.shape);
        TestData.AssertClose(expected.ToArray(), TestData.Values(y), 1e-4);
    }

    [Fact] // test_bad_init_args
    public void BadArguments()
    {
        Assert.Contains("depthMultiplier", Assert.Throws<ArgumentException>(() => new DepthwiseConv2D(1, depthMultiplier: 0)).Message);
        Assert.Contains("`strides > 1` not supported in conjunction with `dilation_rate > 1`",
            Assert.Throws<ArgumentException>(() => new SeparableConv2D(2, 2, 2, dilationRate: 2)).Message);
    }

    [Fact] // save/load through the layer registry, the summary's parameter count, and bf16 autocast under mixed precision
    public void SavesLoadsAndComputesUnderMixedPrecision()
    {
        Backend.SetRandomSeed(11);
        var model = new Sequential(new DepthwiseConv2D(3, padding: "same", depthMultiplier: 2, activation: "relu", inputShape: (6, 6, 3)),
            new SeparableConv2D(4, 3, activation: "relu"), new GlobalAveragePooling2D(), new Dense(1));
        Assert.Equal((3 * 3 * 3 * 2 + 6) + (3 * 3 * 6 + 6 * 4 + 4) + (4 + 1), model.CountParams());
        using var x = rand(4, 6, 6, 3);
        LayerRoundTrip.AssertSamePredictions(model, x, 1e-5);
        model.Compile("adam", "mse", dtypePolicy: Deepen.MixedPrecision.DTypePolicy.MixedBFloat16);
        using var bf16 = model.Predict(x, verbose: 0);
        model.DTypePolicy = Deepen.MixedPrecision.DTypePolicy.Float32;
        using var f32 = model.Predict(x, verbose: 0);
        Assert.Equal(ScalarType.Float32, bf16.dtype);
        TestData.AssertTensorsClose(f32, bf16, 0.05);                    // bf16 arithmetic: close, not equal
    }
}
