using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class DropoutTests
{
    [Fact]
    public void TrainingDropsAboutRateAndScalesTheRest()
    {
        Backend.SetRandomSeed(8);
        var dropout = new Dropout(0.3);
        dropout.Build(10_000);
        var y = TestData.Values(dropout.Call(ones(1, 10_000), training: true));
        double dropped = y.Count(v => v == 0) / (double)y.Length;
        Assert.InRange(dropped, 0.27, 0.33);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / 0.7, v, 5));
    }

    [Fact]
    public void InferenceIsTheIdentity()
    {
        var dropout = new Dropout(0.5);
        using var x = arange(10, dtype: ScalarType.Float32).reshape(1, 10);
        Assert.Equal(TestData.Values(x), TestData.Values(dropout.Call(x, training: false)));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void InvalidRateIsRejectedWithTheValue(double rate)
    {
        var e = Assert.Throws<ArgumentException>(() => new Dropout(rate));
        Assert.Equal("rate", e.ParamName);
        Assert.Contains("Invalid value received for argument `rate`", e.Message);
        Assert.Contains("Received: rate=" + rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }
}
