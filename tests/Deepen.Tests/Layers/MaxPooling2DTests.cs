using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class MaxPooling2DTests
{
    [Fact]
    public void TakesTheMaximumOfEachWindowPerChannel()
    {
        var pool = new MaxPooling2D(2, 2);
        Assert.Equal(new Shape(2, 2, 2), pool.Build((4, 5, 2)));
        // channel 0: r*5+c; channel 1: -(r*5+c)
        var x = new float[4 * 5 * 2];
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 5; c++) { x[(r * 5 + c) * 2] = r * 5 + c; x[(r * 5 + c) * 2 + 1] = -(r * 5 + c); }
        var y = TestData.Values(pool.Call(tensor(x, new long[] { 1, 4, 5, 2 })));
        var expected = new List<float>();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                int r0 = 2 * i, c0 = 2 * j;
                expected.Add((r0 + 1) * 5 + c0 + 1);   // max of r*5+c over the window
                expected.Add(-(r0 * 5 + c0));          // max of -(r*5+c)
            }
        Assert.Equal(expected, y);
    }

    [Fact]
    public void SamePaddingNeverPicksThePadding()
    {
        var pool = new MaxPooling2D(2, padding: "same");
        Assert.Equal(new Shape(2, 2, 1), pool.Build((3, 3, 1)));
        using var x = full(new long[] { 1, 3, 3, 1 }, -5f);
        Assert.All(TestData.Values(pool.Call(x)), v => Assert.Equal(-5f, v));
    }

    [Fact]
    public void TupleAndIntSizesAgree()
    {
        Assert.Equal(new MaxPooling2D(2, 2).PoolSize, new MaxPooling2D((2, 2)).PoolSize);
        Assert.Equal(new Size2(3, 1), new MaxPooling2D((3, 1)).PoolSize);
        Assert.Equal(new Size2(3, 1), new MaxPooling2D((3, 1)).Strides);
    }
}
