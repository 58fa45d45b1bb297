using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class AveragePooling2DTests
{
    [Fact]
    public void AveragesEachWindow()
    {
        var pool = new AveragePooling2D(2);
        Assert.Equal(new Shape(1, 2, 1), pool.Build((3, 4, 1)));
        using var x = arange(12, dtype: ScalarType.Float32).reshape(1, 3, 4, 1);
        var y = TestData.Values(pool.Call(x));
        Assert.Equal(new[] { (0f + 1 + 4 + 5) / 4, (2f + 3 + 6 + 7) / 4 }, y);
    }

    [Fact]
    public void SamePaddingDoesNotCountPaddedZeros()
    {
        var pool = new AveragePooling2D(2, padding: "same");
        Assert.Equal(new Shape(2, 2, 1), pool.Build((3, 3, 1)));
        using var x = arange(9, dtype: ScalarType.Float32).reshape(1, 3, 3, 1);
        var y = TestData.Values(pool.Call(x));
        Assert.Equal(new[] { (0f + 1 + 3 + 4) / 4, (2f + 5) / 2, (6f + 7) / 2, 8f }, y);
    }
}
