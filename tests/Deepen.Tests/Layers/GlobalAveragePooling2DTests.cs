using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class GlobalAveragePooling2DTests
{
    [Fact]
    public void AveragesEachChannelOverRowsAndColumns()
    {
        var gap = new GlobalAveragePooling2D();
        Assert.Equal(new Shape(2), gap.Build((2, 3, 2)));
        var x = new float[2 * 3 * 2];
        for (int i = 0; i < 6; i++) { x[2 * i] = i; x[2 * i + 1] = 10 * i; }
        var y = TestData.Values(gap.Call(tensor(x, new long[] { 1, 2, 3, 2 })));
        Assert.Equal(new[] { 15f / 6, 150f / 6 }, y);
    }

    [Fact]
    public void KeepDimsKeepsSpatialAxes()
    {
        var gap = new GlobalAveragePooling2D(keepDims: true);
        Assert.Equal(new Shape(1, 1, 4), gap.Build((5, 5, 4)));
        using var y = gap.Call(ones(3, 5, 5, 4));
        Assert.Equal(new long[] { 3, 1, 1, 4 }, y.shape);
    }
}
