using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Reshaping;

/// <summary>keras/src/layers/reshaping/cropping1d_test.py and cropping2d_test.py (test_cropping_1d/2d, test_errors).</summary>
public class CroppingTests
{
    [Theory] // test_cropping_2d: inputs[:, top:rows-bottom, left:cols-right, :]
    [InlineData(1, 2, 2, 3)]
    [InlineData(0, 0, 0, 0)]
    [InlineData(2, 0, 1, 3)]
    public void Cropping2DCutsEachSide(int top, int bottom, int left, int right)
    {
        using var x = arange(2 * 7 * 9 * 3, ScalarType.Float32).reshape(2, 7, 9, 3);
        var layer = new Cropping2D((top, bottom), (left, right));
        Assert.Equal(new Shape(7 - top - bottom, 9 - left - right, 3), layer.Build((7, 9, 3)));
        using var y = layer.Call(x);
        using var expected = x[TensorIndex.Colon, TensorIndex.Slice(top, 7 - bottom), TensorIndex.Slice(left, 9 - right)];
        Assert.True(y.eq(expected).all().item<bool>());
    }

    [Fact] // test_cropping_2d with int and (rows, cols) arguments; test_cropping_1d
    public void ShortFormsAndCropping1D()
    {
        Assert.Equal(new Shape(3, 5, 1), new Cropping2D(2).Build((7, 9, 1)));
        Assert.Equal(new Shape(5, 5, 1), new Cropping2D((1, 2)).Build((7, 9, 1)));
        using var x = arange(2 * 6 * 2, ScalarType.Float32).reshape(2, 6, 2);
        var c = new Cropping1D((1, 2));
        Assert.Equal(new Shape(3, 2), c.Build((6, 2)));
        using var y = c.Call(x);
        Assert.True(y.eq(x.narrow(1, 1, 3)).all().item<bool>());
        Assert.Equal(new Shape(4, 2), new Cropping1D().Build((6, 2)));             // Keras's default cropping=(1, 1)
    }

    [Fact] // test_cropping_2d_errors_if_cropping_more_than_available
    public void CroppingEverythingFails()
    {
        var e = Assert.Throws<ArgumentException>(() => new Cropping2D((3, 4), (0, 0)).Build((7, 9, 1)));
        Assert.Contains("`cropping` parameter of `Cropping2D` layer must be smaller than the input shape", e.Message);
        Assert.Throws<ArgumentException>(() => new Cropping1D((3, 3)).Build((6, 2)));
        Assert.Throws<ArgumentException>(() => new Cropping2D(-1));
    }

    [Fact]
    public void SavesAndLoads()
    {
        var model = new Sequential(new Cropping2D((1, 0), (2, 1), inputShape: (6, 6, 2)), new Flatten(), new Dense(1));
        using var x = rand(3, 6, 6, 2);
        LayerRoundTrip.AssertSamePredictions(model, x);
        var seq = new Sequential(new Cropping1D((2, 1), inputShape: (6, 2)), new Flatten(), new Dense(1));
        LayerRoundTrip.AssertSamePredictions(seq, rand(3, 6, 2));
    }
}
