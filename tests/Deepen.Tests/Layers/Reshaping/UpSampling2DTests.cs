using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Reshaping;

public class UpSampling2DTests
{
    [Fact] // keras/src/layers/reshaping/up_sampling2d_test.py::test_upsampling_2d (np.repeat along rows, then columns)
    public void NearestRepeatsEachPixel()
    {
        var x = arange(12, dtype: ScalarType.Float32).reshape(1, 2, 3, 2);
        var layer = new UpSampling2D(size: (2, 3));
        Assert.Equal(new Shape(4, 9, 2), layer.Build((2, 3, 2)));
        var y = layer.Call(x);
        Assert.Equal(new long[] { 1, 4, 9, 2 }, y.shape);
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 9; c++)
                for (int ch = 0; ch < 2; ch++)
                    Assert.Equal(x[0, r / 2, c / 3, ch].item<float>(), y[0, r, c, ch].item<float>());
    }

    [Fact] // up_sampling2d_test.py::test_upsampling_2d_bilinear: half-pixel bilinear resize (tf.image.resize)
    public void BilinearInterpolatesWithHalfPixelCenters()
    {
        var x = tensor(new float[] { 0, 4 }).reshape(1, 1, 2, 1);
        var y = TestData.Values(new UpSampling2D(size: (1, 2), interpolation: "bilinear").Call(x));
        // output column j samples input position (j + 0.5) / 2 - 0.5, clamped: -0.25→0, 0.25, 0.75, 1.25→1
        TestData.AssertClose([0f, 1f, 3f, 4f], y, 1e-6);
    }

    [Fact]
    public void SavesAndRejectsUnknownInterpolation()
    {
        using var dir = new TempDir();
        var model = new Sequential(new UpSampling2D(size: 2, inputShape: (3, 3, 1)), new Flatten(), new Dense(1));
        model.Save(dir.File("m.deepen"), includeOptimizer: false);
        var layer = Assert.IsType<UpSampling2D>(Model.Load(dir.File("m.deepen")).Layers[0]);
        Assert.Equal(new Size2(2, 2), layer.Size);
        Assert.Contains("Received: interpolation=\"cubic\"", Assert.Throws<ArgumentException>(() => new UpSampling2D(interpolation: "cubic")).Message);
    }
}
