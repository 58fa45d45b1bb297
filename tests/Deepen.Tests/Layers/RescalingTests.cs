using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class RescalingTests
{
    [Fact]
    public void ScalesThenOffsets()
    {
        var layer = new Rescaling(1.0 / 127.5, offset: -1);
        Assert.Equal(new Shape(2, 2, 3), layer.Build((2, 2, 3)));
        var y = TestData.Values(layer.Call(tensor(new float[] { 0, 127.5f, 255 }, new long[] { 1, 3 })));
        TestData.AssertClose(new[] { -1f, 0f, 1f }, y, 1e-6);
    }

    [Fact]
    public void RejectsNonFiniteScale()
    {
        var e = Assert.Throws<ArgumentException>(() => new Rescaling(double.PositiveInfinity));
        Assert.Contains("`scale`", e.Message);
        Assert.Contains("Received: scale=Infinity", e.Message);
    }
}
