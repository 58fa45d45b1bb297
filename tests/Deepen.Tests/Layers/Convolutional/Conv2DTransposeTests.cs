using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Convolutional;

/// <summary>keras/src/layers/convolutional/conv_transpose_test.py: test_conv2d_transpose_basic, test_conv2d_transpose, test_bad_init_args.</summary>
public class Conv2DTransposeTests
{
    /// <summary>
    /// A port of the test's np_conv2d_transpose: every input pixel scatters kernel·x into the output at (i·s, j·s), the
    /// bias is added, and the rows/columns Keras's padding leaves out are cut (k − 1 − the JAX padding before; k dilated).
    /// </summary>
    static float[,,,] Reference(float[,,,] x, float[,,,] kernel, float[] bias, int sh, int sw, int dh, int dw, string padding, int? oph, int? opw)
    {
        int n = x.GetLength(0), hx = x.GetLength(1), wx = x.GetLength(2), cin = x.GetLength(3);
        int kh = kernel.GetLength(0), kw = kernel.GetLength(1), cout = kernel.GetLength(2);
        int ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw + 1;
        int hOut = Conv2DTranspose.OutputLength(hx, kh, sh, dh, padding, oph), wOut = Conv2DTranspose.OutputLength(wx, kw, sw, dw, padding, opw);
        int side1h = ekh - 1 - Conv2DTranspose.KerasPadding(kh, sh, dh, padding, oph).Before;
        int side1w = ekw - 1 - Conv2DTranspose.KerasPadding(kw, sw, dw, padding, opw).Before;
        var full = new double[n, hOut + ekh + side1h, wOut + ekw + side1w, cout];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < hx; i++)
                for (int j = 0; j < wx; j++)
                    for (int a = 0; a < kh; a++)
                        for (int c = 0; c < kw; c++)
                            for (int o = 0; o < cout; o++)
                            {
                                double s = 0;
                                for (int q = 0; q < cin; q++) s += kernel[a, c, o, q] * x[b, i, j, q];
                                full[b, i * sh + a * dh, j * sw + c * dw, o] += s;
                            }
        var result = new float[n, hOut, wOut, cout];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < hOut; i++)
                for (int j = 0; j < wOut; j++)
                    for (int o = 0; o < cout; o++)
                        result[b, i, j, o] = (float)(full[b, i + side1h, j + side1w, o] + bias[o]);
        return result;
    }

    [Theory] // test_conv2d_transpose_basic (channels_last shapes; the channels_first case as channels_last)
    [InlineData(5, 2, 2, 2, 2, "valid", null, 8, 8, 4, 16, 16)]
    [InlineData(6, 2, 2, 3, 3, "same", 2, 8, 8, 4, 23, 23)]
    [InlineData(6, 2, 3, 2, 1, "valid", null, 8, 8, 4, 16, 10)]
    [InlineData(2, 7, 7, 16, 16, "valid", null, 14, 14, 2, 224, 224)]
    public void OutputShapesFollowKeras(int filters, int kh, int kw, int sh, int sw, string padding, int? outputPadding,
        int rows, int cols, int channels, int outRows, int outCols)
    {
        var layer = new Conv2DTranspose(filters, (kh, kw), (sh, sw), padding, outputPadding is int p ? new Size2(p, p) : null);
        Assert.Equal(new Shape(outRows, outCols, filters), layer.Build((rows, cols, channels)));
        using var y = layer.Call(randn(2, rows, cols, channels));
        Assert.Equal(new long[] { 2, outRows, outCols, filters }, y.shape);
        Assert.Equal(2, layer.TrainableWeights.Count());
        Assert.Equal(new long[] { kh, kw, filters, channels }, layer.GetWeights()[0].shape);   // Keras: (kh, kw, filters, in)
        Assert.Equal(kh * kw * filters * channels + filters, layer.CountParams());
    }

    [Theory] // test_conv2d_transpose (random kernel and bias against the numpy reference), plus dilated and output_padding cases
    [InlineData(5, 2, 2, 2, 2, 1, "valid", null)]
    [InlineData(6, 7, 7, 16, 16, 1, "same", 2)]
    [InlineData(6, 2, 3, 2, 1, 1, "valid", null)]
    [InlineData(2, 7, 7, 16, 16, 1, "valid", null)]
    [InlineData(3, 3, 3, 2, 2, 1, "same", null)]
    [InlineData(3, 3, 3, 2, 2, 1, "valid", 1)]
    [InlineData(3, 4, 4, 3, 3, 1, "same", 1)]
    [InlineData(3, 3, 3, 1, 1, 2, "same", null)]
    [InlineData(3, 3, 2, 1, 1, 2, "valid", null)]
    public void MatchesKerasReference(int filters, int kh, int kw, int sh, int sw, int dilation, string padding, int? outputPadding)
    {
        Backend.SetRandomSeed(7);
        var layer = new Conv2DTranspose(filters, (kh, kw), (sh, sw), padding, outputPadding is int p ? new Size2(p, p) : null, dilation);
        layer.Build((14, 14, 4));
        using var x = randn(2, 14, 14, 4);
        using var kernel = randn(kh, kw, filters, 4);
        using var bias = randn(filters);
        layer.SetWeights([kernel, bias]);
        using var y = layer.Call(x);
        var expected = Reference(ToArray4(x), ToArray4(kernel), TestData.Values(bias), sh, sw, dilation, dilation, padding, outputPadding, outputPadding);
        Assert.Equal(new long[] { 2, expected.GetLength(1), expected.GetLength(2), filters }, y.shape);
        TestData.AssertClose(expected.Cast<float>().ToArray(), TestData.Values(y), 1e-4);
    }

    static float[,,,] ToArray4(Tensor t)
    {
        var v = TestData.Values(t.contiguous());
        var s = t.shape;
        var a = new float[s[0], s[1], s[2], s[3]];
        Buffer.BlockCopy(v, 0, a, 0, v.Length * sizeof(float));
        return a;
    }

    [Fact] // test_bad_init_args
    public void BadArgumentsAreRejectedAsInKeras()
    {
        Assert.Contains("`output_padding` must be strictly less than `strides`",
            Assert.Throws<ArgumentException>(() => new Conv2DTranspose(2, 3, 2, outputPadding: 3)).Message);
        Assert.Contains("`output_padding` must be strictly less than `strides`",
            Assert.Throws<ArgumentException>(() => new Conv2DTranspose(2, 3, (2, 3), outputPadding: (1, 3))).Message);
        Assert.Contains("`output_padding` must be strictly less than `strides`",
            Assert.Throws<ArgumentException>(() => new Conv2DTranspose(16, 3, 1, outputPadding: 1)).Message);
        Assert.Contains("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2, 2) and dilation_rate=(2, 1)",
            Assert.Throws<ArgumentException>(() => new Conv2DTranspose(2, 2, 2, dilationRate: (2, 1))).Message);
    }

    [Fact] // Keras's standard layer check: save/load keeps the config and the predictions; training learns
    public void SavesLoadsAndTrains()
    {
        Backend.SetRandomSeed(8);
        var model = new Sequential(new Conv2D(4, 3, strides: 2, padding: "same", activation: "relu", inputShape: (8, 8, 1)),
            new Conv2DTranspose(1, 3, strides: 2, padding: "same", outputPadding: 1));
        Assert.Equal(new Shape(8, 8, 1), model.OutputShape);
        using var x = rand(16, 8, 8, 1);
        LayerRoundTrip.AssertSamePredictions(model, x, 1e-5);
        model.Compile(new Deepen.Optimizers.Adam(0.01), "mse");
        var history = model.Fit(x, x, epochs: 40, batchSize: 16, verbose: 0);      // an autoencoder: reconstruct the input
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.5, string.Join(", ", history["loss"]));
    }
}
