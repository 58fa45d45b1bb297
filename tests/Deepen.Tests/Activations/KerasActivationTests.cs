using Deepen.Tests.Helpers;
using static TorchSharp.torch;
using A = Deepen.Activations.Activations;

namespace Deepen.Tests.Activations;

/// <summary>
/// keras/src/activations/activations_test.py compares each activation with a NumPy reference formula on sample
/// values; these tests do the same with the formulas written out (test names cited per test).
/// </summary>
public class KerasActivationTests
{
    static readonly float[] X = { -3f, -1.5f, -0.5f, 0f, 0.25f, 1f, 2.5f, 7f };
    static float[] Apply(Func<Tensor, Tensor> f) => TestData.Values(f(tensor(X)));
    static float[] Ref(Func<double, double> f) => X.Select(v => (float)f(v)).ToArray();
    static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
    static double Softplus(double v) => Math.Log(1 + Math.Exp(v));

    [Theory] // test_relu6, test_softsign, test_hard_sigmoid, test_hard_silu, test_mish, test_celu, test_log_sigmoid, test_exponential, test_hard_tanh, test_tanh_shrink, test_soft_shrink, test_hard_shrink, test_squareplus
    [InlineData("relu6")]
    [InlineData("softsign")]
    [InlineData("hard_sigmoid")]
    [InlineData("hard_silu")]
    [InlineData("mish")]
    [InlineData("celu")]
    [InlineData("log_sigmoid")]
    [InlineData("exponential")]
    [InlineData("hard_tanh")]
    [InlineData("tanh_shrink")]
    [InlineData("soft_shrink")]
    [InlineData("hard_shrink")]
    [InlineData("squareplus")]
    public void NamedActivationsMatchKerasFormulas(string name)
    {
        Func<double, double> f = name switch
        {
            "relu6" => v => Math.Min(Math.Max(v, 0), 6),
            "softsign" => v => v / (Math.Abs(v) + 1),
            "hard_sigmoid" => v => Math.Min(Math.Max(v + 3, 0), 6) / 6,
            "hard_silu" => v => v * Math.Min(Math.Max(v + 3, 0), 6) / 6,
            "mish" => v => v * Math.Tanh(Softplus(v)),
            "celu" => v => Math.Max(0, v) + Math.Min(0, Math.Exp(v) - 1),
            "log_sigmoid" => v => -Softplus(-v),
            "exponential" => Math.Exp,
            "hard_tanh" => v => Math.Clamp(v, -1, 1),
            "tanh_shrink" => v => v - Math.Tanh(v),
            "soft_shrink" => v => v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0,
            "hard_shrink" => v => Math.Abs(v) > 0.5 ? v : 0,
            _ => v => (v + Math.Sqrt(v * v + 4)) / 2,
        };
        TestData.AssertClose(Ref(f), Apply(A.Get(name)), 2e-6 * Math.Max(1, Ref(f).Max(Math.Abs)));
        Assert.Equal(name, A.Resolve(name));
    }

    [Fact] // test_relu_negative_slope, test_relu_max_value, test_relu_threshold, test_relu_combined_*
    public void ReluArguments()
    {
        TestData.AssertClose(Ref(v => v > 0 ? v : 0.1 * v), Apply(x => A.Relu(x, negativeSlope: 0.1)), 1e-6);
        TestData.AssertClose(Ref(v => Math.Clamp(v, 0, 2)), Apply(x => A.Relu(x, maxValue: 2)), 1e-6);
        TestData.AssertClose(Ref(v => v > 1 ? v : 0), Apply(x => A.Relu(x, threshold: 1)), 1e-6);
        // all three: x above the threshold, clipped, minus slope·relu(threshold − x)
        TestData.AssertClose(Ref(v => Math.Clamp(v > 0.5 ? v : 0, 0, 5) - 0.2 * Math.Max(0.5 - v, 0)),
            Apply(x => A.Relu(x, negativeSlope: 0.2, maxValue: 5, threshold: 0.5)), 1e-6);
    }

    [Fact] // test_softmax_2d_axis_0, test_log_softmax_1d, test_gelu (approximate True/False), test_glu
    public void AxisAndApproximation()
    {
        var m = tensor(new float[,] { { 1, 2 }, { 3, 5 } });
        double e1 = Math.Exp(1), e3 = Math.Exp(3);
        TestData.AssertClose([(float)(e1 / (e1 + e3))], [A.Softmax(m, axis: 0)[0, 0].item<float>()], 1e-6);
        TestData.AssertClose([(float)Math.Log(e1 / (e1 + Math.Exp(2)))], [A.LogSoftmax(m)[0, 0].item<float>()], 1e-6);
        double Erf(double v) { double t = 1 / (1 + 0.3275911 * Math.Abs(v)); double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-v * v); return v >= 0 ? y : -y; }
        TestData.AssertClose(Ref(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))), Apply(x => A.Gelu(x)), 1e-5);
        TestData.AssertClose(Ref(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))), Apply(x => A.Gelu(x, approximate: true)), 1e-5);
        var g = A.Glu(tensor(new float[] { 2, -1, 0.5f, 3 }));
        TestData.AssertClose([(float)(2 * Sigmoid(0.5)), (float)(-1 * Sigmoid(3))], TestData.Values(g), 1e-6);
    }
}
