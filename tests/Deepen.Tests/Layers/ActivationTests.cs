using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class ActivationTests
{
    static readonly float[] Inputs = { -2f, -0.5f, 0f, 0.7f, 3f };

    /// <summary>erf by Abramowitz–Stegun 7.1.26 (absolute error below 1.5e-7).</summary>
    static double Erf(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.Exp(-x * x);
        return Math.Sign(x) * y;
    }

    public static TheoryData<string> Names => new() { "relu", "sigmoid", "tanh", "gelu", "leaky_relu", "linear", "elu", "softplus", "swish" };

    static double Expected(string name, double x) => name switch
    {
        "relu" => Math.Max(0, x),
        "sigmoid" => 1 / (1 + Math.Exp(-x)),
        "tanh" => Math.Tanh(x),
        "gelu" => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        "leaky_relu" => x >= 0 ? x : 0.2 * x,
        "linear" => x,
        "elu" => x >= 0 ? x : Math.Exp(x) - 1,
        "softplus" => Math.Log(1 + Math.Exp(x)),
        "swish" => x / (1 + Math.Exp(-x)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void ElementwiseActivationsMatchTheirFormulas(string name)
    {
        var layer = new Activation(name);
        var y = TestData.Values(layer.Call(tensor(Inputs, new long[] { 1, Inputs.Length })));
        TestData.AssertClose(Inputs.Select(x => (float)Expected(name, x)).ToArray(), y, 1e-5);
    }

    [Fact]
    public void SoftmaxNormalizesTheLastAxis()
    {
        var y = TestData.Values(new Activation("softmax").Call(tensor(new float[] { 1, 2, 3, -1, 0, 1 }, new long[] { 2, 3 })));
        foreach (var row in new[] { new[] { 1.0, 2, 3 }, new[] { -1.0, 0, 1 } }.Select((r, i) => (r, i)))
        {
            double z = row.r.Sum(Math.Exp);
            for (int j = 0; j < 3; j++) Assert.Equal(Math.Exp(row.r[j]) / z, y[row.i * 3 + j], 6);
        }
    }

    [Fact]
    public void NamesAreCaseInsensitiveAndNullIsLinear()
    {
        Assert.Equal("relu", new Activation("ReLU").Function);
        Assert.Equal("linear", new Dense(2).Activation);
    }

    [Fact]
    public void UnknownNameIsRejectedWithTheValueAndTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => new Activation("swishy"));
        Assert.Equal("activation", e.ParamName);
        Assert.Contains("Received: activation=\"swishy\"", e.Message);
        Assert.Contains("\"sigmoid\"", e.Message);
    }
}
