using Deepen.Constraints;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Constraints;

/// <summary>keras/src/constraints/constraints_test.py, and Keras's optimizer applying constraints after each update.</summary>
public class ConstraintTests
{
    static Tensor Example()
    {
        var r = new Random(3537);
        var data = new double[100, 100];
        for (int i = 0; i < 100; i++) for (int j = 0; j < 100; j++) data[i, j] = r.NextDouble() * 100 - 50;
        data[0, 0] = 0;
        return tensor(data);
    }

    [Fact] // test_max_norm
    public void MaxNorm()
    {
        var x = tensor(new double[,] { { 0, 0, 0 }, { 1, 0, 0 }, { 3, 0, 0 }, { 3, 3, 3 } }).t();
        var target = tensor(new double[,] { { 0, 0, 0 }, { 1, 0, 0 }, { 2, 0, 0 }, { 2 / Math.Sqrt(3), 2 / Math.Sqrt(3), 2 / Math.Sqrt(3) } }).t();
        Assert.True(new MaxNorm(2.0).Call(x).allclose(target, rtol: 1e-6, atol: 1e-6));
    }

    [Fact] // test_non_neg, test_unit_norm, test_min_max_norm
    public void NonNegUnitNormMinMaxNorm()
    {
        Assert.True(new NonNeg().Call(Example()).min().item<double>() >= 0);
        var unit = new UnitNorm().Call(Example()).square().sum(new long[] { 0 }).sqrt();
        Assert.True(unit.allclose(ones_like(unit), rtol: 1e-6, atol: 1e-6));
        var l2 = new MinMaxNorm(0.2, 0.5).Call(Example()).square().sum(new long[] { 0 }).sqrt();
        Assert.True(l2.min().item<double>() >= 0.2 - 1e-6 && l2.max().item<double>() <= 0.5 + 1e-6);
    }

    [Fact] // test_get_method, test_max_norm_get_config, test_min_max_norm_get_config
    public void NamesAndConfigs()
    {
        Assert.IsType<UnitNorm>(Constraint.Get("unit_norm"));
        Assert.Throws<ArgumentException>(() => Constraint.Get("typo"));
        Assert.Equal("{\"max_value\":3,\"axis\":1}", new MaxNorm(3.0, [1]).GetConfig().ToJsonString());
        var restored = (MinMaxNorm)Constraint.FromJson(new MinMaxNorm(0.5, 2.0, 0.7, [1]).ToJson())!;
        Assert.Equal((0.5, 2.0, 0.7, 1), (restored.MinValue, restored.MaxValue, restored.Rate, restored.Axis.Single()));
        Assert.True(restored.Call(Example()).allclose(new MinMaxNorm(0.5, 2.0, 0.7, [1]).Call(Example())));
    }

    [Fact]
    public void FitAppliesConstraintsInKerasLayoutAfterEachStep()
    {
        Backend.SetRandomSeed(4);
        // The targets pull every weight negative; NonNeg keeps the bias at 0 or above, MaxNorm(0.5) each unit's incoming
        // weights (axis 0 of Keras's (in, units) kernel) within norm 0.5.
        var model = new Sequential(new Dense(3, kernelConstraint: new MaxNorm(0.5), biasConstraint: "non_neg", inputShape: 5));
        model.Compile(new SGD(0.5), "mse");
        using var x = rand(32, 5);
        using var y = full(32, 3, -10f);
        model.Fit(x, y, epochs: 3, batchSize: 8, verbose: 0);
        var dense = (Dense)model.Layers[0];
        Assert.True(dense.Bias!.Value.min().item<float>() >= 0);
        var norms = dense.GetWeights()[0].square().sum(new long[] { 0 }).sqrt();   // per unit, in Keras's layout
        Assert.True(norms.max().item<float>() <= 0.5f + 1e-5, string.Join(", ", TestData.Values(norms)));
        Assert.True(norms.min().item<float>() > 0.45f, "the pull towards -10 should reach the bound");
    }

    [Fact]
    public void ConvKernelConstraintSeesKerasAxes()
    {
        // Keras's advice for Conv2D: MaxNorm(axis=[0, 1, 2]) bounds each filter's (kh, kw, in) weights.
        var conv = new Conv2D(4, 3, kernelConstraint: new MaxNorm(1.0, [0, 1, 2]));
        conv.Build((6, 6, 2));
        using (no_grad()) conv.Kernel.Value.mul_(100);
        conv.Kernel.ApplyConstraint();
        var perFilter = conv.GetWeights()[0].square().sum(new long[] { 0, 1, 2 }).sqrt();
        Assert.True(perFilter.allclose(ones(4), rtol: 1e-5, atol: 1e-5));
    }
}
