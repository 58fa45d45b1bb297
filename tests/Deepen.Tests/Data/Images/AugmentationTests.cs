using Deepen.Data.Images;
using static TorchSharp.torch;

namespace Deepen.Tests.Data.Images;

/// <summary>
/// Geometry of ImageDataGenerator transforms checked against expectations computed here, independently of torch:
/// output pixel (row i, col j) has centred coordinates (x, y) = (j + 0.5 − W/2, i + 0.5 − H/2) and samples the input
/// at the documented map, with bilinear interpolation and edge clamping for fillMode "nearest".
/// </summary>
public class AugmentationTests
{
    const int H = 12, W = 16;

    /// <summary>A [H, W, 2] float image with distinct, non-linear values.</summary>
    static float[,,] Pattern()
    {
        var a = new float[H, W, 2];
        for (int i = 0; i < H; i++)
            for (int j = 0; j < W; j++)
            {
                a[i, j, 0] = (float)(i * 7 + j * 3 + (i * j) % 5);
                a[i, j, 1] = (float)((i * 11 + j * j) % 37);
            }
        return a;
    }

    static Tensor ToTensor(float[,,] a) => Deepen.Data.ArrayConverter.ToTensor(a, "a");

    static float Bilinear(float[,,] a, double u, double v, int c)
    {
        u = Math.Clamp(u, 0, W - 1); v = Math.Clamp(v, 0, H - 1);
        int u0 = (int)Math.Floor(u), v0 = (int)Math.Floor(v);
        int u1 = Math.Min(u0 + 1, W - 1), v1 = Math.Min(v0 + 1, H - 1);
        double fu = u - u0, fv = v - v0;
        return (float)((1 - fv) * ((1 - fu) * a[v0, u0, c] + fu * a[v0, u1, c]) + fv * ((1 - fu) * a[v1, u0, c] + fu * a[v1, u1, c]));
    }

    static void AssertWarp(float[,,] input, Tensor output, Func<double, double, (double X, double Y)> map, double tolerance = 1e-3)
    {
        var o = output.contiguous().data<float>().ToArray();
        for (int i = 0; i < H; i++)
            for (int j = 0; j < W; j++)
            {
                var (xi, yi) = map(j + 0.5 - W / 2.0, i + 0.5 - H / 2.0);
                for (int c = 0; c < 2; c++)
                {
                    float expected = Bilinear(input, xi + W / 2.0 - 0.5, yi + H / 2.0 - 0.5, c);
                    float actual = o[(i * W + j) * 2 + c];
                    Assert.True(Math.Abs(expected - actual) <= tolerance, $"pixel ({i}, {j}, {c}): expected {expected}, got {actual}");
                }
            }
    }

    [Fact]
    public void HorizontalFlipEqualsMirroredPixels()
    {
        var a = Pattern();
        using var x = ToTensor(a);
        using var y = new ImageDataGenerator().ApplyTransform(x, new TransformParameters { FlipHorizontal = true });
        var o = y.data<float>().ToArray();
        for (int i = 0; i < H; i++)
            for (int j = 0; j < W; j++)
                for (int c = 0; c < 2; c++)
                    Assert.Equal(a[i, W - 1 - j, c], o[(i * W + j) * 2 + c]);
    }

    [Fact]
    public void VerticalFlipEqualsMirroredRows()
    {
        var a = Pattern();
        using var x = ToTensor(a);
        using var y = new ImageDataGenerator().ApplyTransform(x, new TransformParameters { FlipVertical = true });
        for (int i = 0; i < H; i++) Assert.Equal(a[H - 1 - i, 5, 1], y[i, 5, 1].item<float>());
    }

    [Fact]
    public void ZoomMatchesIndependentBilinearSampling()
    {
        var a = Pattern();
        using var x = ToTensor(a);
        using var y = new ImageDataGenerator().ApplyTransform(x, new TransformParameters { Zx = 0.5, Zy = 0.75 });
        AssertWarp(a, y, (px, py) => (0.5 * px, 0.75 * py));                    // Keras: factors below 1 zoom in
    }

    [Fact]
    public void ShearInDegreesMatchesIndependentBilinearSampling()
    {
        var a = Pattern();
        using var x = ToTensor(a);
        double s = 20 * Math.PI / 180;
        using var y = new ImageDataGenerator().ApplyTransform(x, new TransformParameters { Shear = 20 });
        AssertWarp(a, y, (px, py) => (px - Math.Sin(s) * py, Math.Cos(s) * py));
    }

    [Fact]
    public void ComposedRotationShiftShearZoomFollowKerasOrder()
    {
        var a = Pattern();
        using var x = ToTensor(a);
        double t = 15 * Math.PI / 180, s = -10 * Math.PI / 180;
        var p = new TransformParameters { Theta = 15, Tx = 1.5, Ty = -2, Shear = -10, Zx = 0.9, Zy = 1.1 };
        using var y = new ImageDataGenerator().ApplyTransform(x, p);
        AssertWarp(a, y, (px, py) =>
        {
            double zx = 0.9 * px, zy = 1.1 * py;                                  // zoom
            double sx = zx - Math.Sin(s) * zy, sy = Math.Cos(s) * zy;            // shear
            double tx = sx + 1.5, ty = sy - 2;                                   // shift
            return (Math.Cos(t) * tx - Math.Sin(t) * ty, Math.Sin(t) * tx + Math.Cos(t) * ty);  // rotation
        });
    }

    [Fact]
    public void QuarterTurnRotatesCounterClockwise()
    {
        var sq = new float[4, 4, 1];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) sq[i, j, 0] = i * 4 + j;
        using var x = Deepen.Data.ArrayConverter.ToTensor(sq, "x");
        using var y = new ImageDataGenerator().ApplyTransform(x, new TransformParameters { Theta = 90 });
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(sq[j, 3 - i, 0], y[i, j, 0].item<float>(), 3);   // top-right corner moves to top-left
    }

    [Theory]
    [InlineData("nearest", new float[] { 3, 4, 5, 6, 7, 7, 7, 7 })]
    [InlineData("constant", new float[] { 3, 4, 5, 6, 7, -1, -1, -1 })]
    [InlineData("reflect", new float[] { 3, 4, 5, 6, 7, 7, 6, 5 })]
    [InlineData("wrap", new float[] { 3, 4, 5, 6, 7, 0, 1, 2 })]
    public void FillModesFollowScipyConventions(string fillMode, float[] expected)
    {
        var row = new float[1, 8, 1];
        for (int j = 0; j < 8; j++) row[0, j, 0] = j;
        using var x = Deepen.Data.ArrayConverter.ToTensor(row, "x");
        var gen = new ImageDataGenerator(fillMode: fillMode, cval: -1);
        using var y = gen.ApplyTransform(x, new TransformParameters { Tx = 3 });  // each output pixel samples 3 to its right
        var values = y.data<float>().ToArray();
        for (int j = 0; j < 8; j++) Assert.Equal(expected[j], values[j], 3);
    }

    [Fact]
    public void WrapInterpolatesAcrossTheSeam()
    {
        var row = new float[1, 4, 1] { { { 0 }, { 10 }, { 20 }, { 30 } } };
        using var x = Deepen.Data.ArrayConverter.ToTensor(row, "x");
        using var y = new ImageDataGenerator(fillMode: "wrap").ApplyTransform(x, new TransformParameters { Tx = 3.5 });
        Assert.Equal(new float[] { 15, 5, 15, 25 }, y.data<float>().ToArray().Select(v => MathF.Round(v, 3)));
    }

    [Fact]
    public void ChannelShiftAndBrightnessFollowKeras()
    {
        var img = new float[2, 2, 1] { { { 10 }, { 100 } }, { { 150 }, { 200 } } };
        using var x = Deepen.Data.ArrayConverter.ToTensor(img, "x");
        var gen = new ImageDataGenerator();
        using var shifted = gen.ApplyTransform(x, new TransformParameters { ChannelShiftIntensity = 60 });
        Assert.Equal(new float[] { 70, 160, 200, 200 }, shifted.data<float>().ToArray());   // clipped to the image's [min, max]
        using var bright = gen.ApplyTransform(x, new TransformParameters { Brightness = 1.5 });
        Assert.Equal(new float[] { 15, 150, 225, 255 }, bright.data<float>().ToArray());     // clipped to 255
    }

    [Fact]
    public void RandomDrawsFollowKerasRanges()
    {
        var gen = new ImageDataGenerator(rotationRange: 40, widthShiftRange: 0.1, heightShiftRange: 5, shearRange: 20, zoomRange: 0.2,
            channelShiftRange: 30, brightnessRange: (0.5, 0.7));
        for (int seed = 0; seed < 200; seed++)
        {
            var p = gen.GetRandomTransform((50, 100, 3), seed);
            Assert.InRange(p.Theta, -40, 40);
            Assert.InRange(p.Tx, -10, 10);                 // 0.1 of the width 100
            Assert.InRange(p.Ty, -5, 5);                   // 5 pixels
            Assert.InRange(p.Shear, -20, 20);              // degrees
            Assert.InRange(p.Zx, 0.8, 1.2);
            Assert.InRange(p.Zy, 0.8, 1.2);
            Assert.InRange(p.ChannelShiftIntensity, -30, 30);
            Assert.InRange(p.Brightness!.Value, 0.5, 0.7);
            Assert.False(p.FlipHorizontal);
        }
        Assert.Equal(gen.GetRandomTransform((50, 100, 3), 7), gen.GetRandomTransform((50, 100, 3), 7));
        Assert.Equal(new ZoomRange(0.5, 1), new ImageDataGenerator(zoomRange: (0.5, 1.0)).ZoomRange);
    }

    [Fact]
    public void EachImageGetsItsOwnTransform()
    {
        var img = Pattern();
        using var one = ToTensor(img);
        using var batch = stack(Enumerable.Repeat(one, 8).ToArray());
        var gen = new ImageDataGenerator(rotationRange: 45, zoomRange: 0.3);
        var it = gen.Flow(batch, batchSize: 8, shuffle: false, seed: 3);
        using var b = it.GetBatches(0).Single();
        var distinct = Enumerable.Range(0, 8).Select(i => string.Join(",", b.X[i].data<float>().ToArray().Take(40).Select(v => MathF.Round(v, 2)))).Distinct().Count();
        Assert.Equal(8, distinct);
    }

    [Fact]
    public void PreprocessingFunctionRunsAfterAugmentationAndBeforeRescale()
    {
        var img = new float[1, 2, 2, 1] { { { { 1 }, { 2 } }, { { 3 }, { 4 } } } };
        var gen = new ImageDataGenerator(horizontalFlip: false, rescale: 0.5, preprocessingFunction: t => t + 10);
        var it = gen.Flow(img, new float[] { 1 }, shuffle: false);
        using var b = it.GetBatches(0).Single();
        Assert.Equal(new float[] { 5.5f, 6, 6.5f, 7 }, b.X.data<float>().ToArray());
        Assert.Equal(new float[] { 1 }, b.Y!.data<float>().ToArray());
    }

    [Fact]
    public void FlowOverArraysSplitsShufflesAndRepeats()
    {
        var x = new byte[10, 4, 4, 1];
        var y = new int[10];
        for (int n = 0; n < 10; n++) { y[n] = n; for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) x[n, i, j, 0] = (byte)(n * 10 + i); }
        var gen = new ImageDataGenerator(validationSplit: 0.3, horizontalFlip: true);
        var val = gen.Flow(x, y, batchSize: 4, subset: "validation", shuffle: false);
        var train = gen.Flow(x, y, batchSize: 4, subset: "training", seed: 1);
        Assert.Equal(3, val.Samples);                                            // Keras: the first 30 % of the rows
        Assert.Equal(7, train.Samples);
        var valLabels = val.GetBatches(0).SelectMany(b => { using (b) return b.Y!.data<long>().ToArray(); }).ToArray();
        Assert.Equal(new long[] { 0, 1, 2 }, valLabels);
        long[] Labels(int epoch) => train.GetBatches(epoch).SelectMany(b => { using (b) return b.Y!.data<long>().ToArray(); }).ToArray();
        Assert.Equal(Enumerable.Range(3, 7).Select(i => (long)i), Labels(0).Order());
        Assert.Equal(Labels(2), Labels(2));
        Assert.Throws<ArgumentException>(() => gen.Flow(new float[3, 4], new float[3]));
        Assert.Throws<ArgumentException>(() => new ImageDataGenerator().Flow(x, new int[9]));
    }

    [Fact]
    public void ConstructorErrorsNameTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImageDataGenerator(fillMode: "mirror"));
        Assert.Contains("fillMode", e.Message);
        Assert.Contains("\"reflect\"", e.Message);
        Assert.Contains("mirror", e.Message);
        Assert.Contains("zoomRange", Assert.Throws<ArgumentException>(() => new ImageDataGenerator(zoomRange: 1.5)).Message);
        Assert.Contains("rotationRange", Assert.Throws<ArgumentException>(() => new ImageDataGenerator(rotationRange: -1)).Message);
        Assert.Contains("brightnessRange", Assert.Throws<ArgumentException>(() => new ImageDataGenerator(brightnessRange: (1.2, 0.8))).Message);
        Assert.Contains("validationSplit", Assert.Throws<ArgumentException>(() => new ImageDataGenerator(validationSplit: 1)).Message);
    }
}
