using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class FlattenTests
{
    [Fact]
    public void FlattensInChannelsLastOrder()
    {
        var flatten = new Flatten();
        Assert.Equal(new Shape(12), flatten.Build((2, 2, 3)));
        var x = new float[2 * 12];
        for (int i = 0; i < x.Length; i++) x[i] = i;
        using var y = flatten.Call(tensor(x, new long[] { 2, 2, 2, 3 }));
        Assert.Equal(new long[] { 2, 12 }, y.shape);
        Assert.Equal(x, TestData.Values(y)); // row-major (rows, cols, channels) order, as Keras
    }

    [Fact]
    public void FlattensNonContiguousViewsInLogicalOrder()
    {
        // A channels-first tensor permuted to channels-last is a strided view, as the convolution layers produce.
        using var nchw = arange(12, dtype: ScalarType.Float32).reshape(1, 3, 2, 2);
        using var nhwc = nchw.permute(0, 2, 3, 1);
        var y = TestData.Values(new Flatten().Call(nhwc));
        var expected = new float[12];
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 2; c++)
                for (int ch = 0; ch < 3; ch++) expected[(r * 2 + c) * 3 + ch] = ch * 4 + r * 2 + c;
        Assert.Equal(expected, y);
    }
}
