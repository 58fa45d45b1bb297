using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

/// <summary>Keras's initializers: the spread each one promises for given fans.</summary>
public class InitializersTests
{
    [Theory]
    [InlineData("he_normal", 2.0, 0)]        // Keras: truncated normal, std sqrt(2 / fan_in), cut at 2 std
    [InlineData("glorot_normal", 2.0, 1)]    // std sqrt(2 / (fan_in + fan_out))
    [InlineData("lecun_normal", 1.0, 0)]     // std sqrt(1 / fan_in)
    public void TruncatedNormalsHaveTheirStandardDeviationAndStayWithinTwoOfIt(string name, double numerator, int withFanOut)
    {
        Backend.SetRandomSeed(3);
        const long fanIn = 200, fanOut = 100;
        double std = Math.Sqrt(numerator / (fanIn + withFanOut * fanOut));
        using var t = empty(400, 250);
        Initializers.Fill(t, name, fanIn, fanOut);
        double actual = t.std().item<float>(), mean = t.mean().item<float>(), max = t.abs().max().item<float>();
        Assert.InRange(actual, 0.97 * std, 1.03 * std);
        Assert.InRange(mean, -0.01 * std, 0.01 * std);
        // truncation happens at 2 std of the underlying normal, which is std / 0.8796 before the correction
        Assert.True(max <= 2 * std / 0.87962566103423978 + 1e-6, $"{name}: max |value| {max} beyond the truncation");
        Assert.True(max > 1.5 * std, $"{name}: max |value| {max} — the tails are missing");
    }

    [Theory]
    [InlineData("glorot_uniform", 6.0, 1)]
    [InlineData("he_uniform", 6.0, 0)]
    [InlineData("lecun_uniform", 3.0, 0)]
    public void UniformsStayWithinTheirLimitAndFillIt(string name, double numerator, int withFanOut)
    {
        Backend.SetRandomSeed(4);
        const long fanIn = 200, fanOut = 100;
        double limit = Math.Sqrt(numerator / (fanIn + withFanOut * fanOut));
        using var t = empty(400, 250);
        Initializers.Fill(t, name, fanIn, fanOut);
        double max = t.abs().max().item<float>(), std = t.std().item<float>();
        Assert.True(max <= limit && max > 0.99 * limit, $"{name}: max |value| {max}, limit {limit}");
        Assert.InRange(std, 0.97 * limit / Math.Sqrt(3), 1.03 * limit / Math.Sqrt(3));
    }
}
