using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Optimizers;

/// <summary>
/// The numeric expectations of Keras 3's optimizer tests (keras/src/optimizers/*_test.py), run through
/// <see cref="Optimizer.ApplyGradients"/> as Keras's tests call <c>apply_gradients</c>.
/// </summary>
public class KerasFormulaTests
{
    static Weight Var(params float[] values) => new(tensor(values));
    static Tensor T(params float[] values) => tensor(values);
    static float[] V(Weight w) => TestData.Values(w.Value);

    static float[] Arange01To1() => Enumerable.Range(1, 10).Select(i => i / 10f).ToArray();

    /// <summary>Keras's golden tests: one step with 0.01 everywhere, then five steps with 0.1…1.0, checking before each.</summary>
    static void AssertGolden(Optimizer optimizer, double[][] golden)
    {
        var x = Var(Enumerable.Repeat(1f, 10).ToArray());
        optimizer.ApplyGradients([(T(Enumerable.Repeat(0.01f, 10).ToArray()), x)]);
        for (int i = 0; i < 5; i++)
        {
            TestData.AssertClose(golden[i].Select(g => (float)g).ToArray(), V(x), 5e-4 + 5e-4 * golden[i].Max(Math.Abs));
            optimizer.ApplyGradients([(T(Arange01To1()), x)]);
        }
    }

    static double[][] Tile(params double[] rows) => rows.Select(r => Enumerable.Repeat(r, 10).ToArray()).ToArray();

    [Fact] // adam_test.py::test_single_step
    public void AdamSingleStep()
    {
        var v = Var(1, 2, 3, 4);
        new Adam(learningRate: 0.5).ApplyGradients([(T(1, 6, 7, 2), v)]);
        TestData.AssertClose([0.5f, 1.5f, 2.5f, 3.5f], V(v), 1e-4);
    }

    [Fact] // adam_test.py::test_correctness_with_golden
    public void AdamAmsgradGolden() =>
        AssertGolden(new Adam(amsgrad: true), Tile(0.999, 0.9982, 0.9974, 0.9965, 0.9955));

    [Fact] // adamw_test.py::test_single_step
    public void AdamWSingleStep()
    {
        var v = Var(1, 2, 3, 4);
        new AdamW(learningRate: 0.5).ApplyGradients([(T(1, 6, 7, 2), v)]);
        TestData.AssertClose([0.4980f, 1.4960f, 2.494f, 3.492f], V(v), 1e-4);
    }

    [Fact] // adamw_test.py::test_correctness_with_golden — epsilon=2, where PyTorch's placement of ε gives other values
    public void AdamWGoldenWithLargeEpsilon() => AssertGolden(new AdamW(learningRate: 1.0, weightDecay: 0.5, epsilon: 2),
    [
        [0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998],
        [0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382],
        [0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003],
        [0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258],
        [0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159],
    ]);

    [Fact] // adam.py's update: lr·√(1-β2ᵗ)/(1-β1ᵗ)·m/(√v+ε), closed form for two steps with a large ε
    public void AdamAddsEpsilonBeforeTheBiasCorrection()
    {
        var v = Var(0f);
        var adam = new Adam(learningRate: 1.0, epsilon: 1.0);
        double w = 0, m = 0, s = 0;
        foreach (float g in new[] { 3f, -1f })
        {
            adam.ApplyGradients([(T(g), v)]);
            long t = adam.Iterations;
            m = 0.9 * m + 0.1 * g;
            s = 0.999 * s + 0.001 * g * g;
            w -= Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t)) * m / (Math.Sqrt(s) + 1.0);
            Assert.Equal(w, V(v)[0], 5);
        }
    }

    [Fact] // rmsprop_test.py::test_single_step
    public void RMSpropSingleStep()
    {
        var v = Var(1, 2, 3, 4);
        new RMSprop(learningRate: 0.5).ApplyGradients([(T(1, 6, 7, 2), v)]);
        TestData.AssertClose([-0.5811f, 0.4189f, 1.4189f, 2.4189f], V(v), 1e-4);
    }

    [Fact] // rmsprop.py docstring: var1 = 10, loss = var1²/2, one step of RMSprop(0.1) gives 9.683772
    public void RMSpropDocstringExample()
    {
        var v = Var(10f);
        new RMSprop(learningRate: 0.1).ApplyGradients([(T(10f), v)]);
        Assert.Equal(9.683772, V(v)[0], 5);
    }

    [Fact] // rmsprop_test.py::test_correctness_with_golden
    public void RMSpropCenteredGolden() =>
        AssertGolden(new RMSprop(centered: true), Tile(0.9967, 0.9933, 0.9908, 0.9885, 0.9864));

    [Theory] // rmsprop.py's update: ε inside the square root (PyTorch: outside), closed form with a large ε
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.5)]
    public void RMSpropPutsEpsilonInsideTheSquareRoot(bool centered, double momentum)
    {
        var v = Var(0f);
        var rms = new RMSprop(learningRate: 0.5, momentum: momentum, epsilon: 1.0, centered: centered);
        double w = 0, s = 0, a = 0, buf = 0;
        foreach (float g in new[] { 2f, -3f, 1f })
        {
            rms.ApplyGradients([(T(g), v)]);
            s = 0.9 * s + 0.1 * g * g;
            a = 0.9 * a + 0.1 * g;
            double increment = 0.5 * g / Math.Sqrt((centered ? s - a * a : s) + 1.0);
            buf = momentum * buf + increment;
            w -= momentum > 0 ? buf : increment;
            Assert.Equal(w, V(v)[0], 5);
        }
    }

    [Fact] // sgd_test.py::test_single_step
    public void SGDSingleStep()
    {
        var v = Var(1, 2, 3, 4);
        var sgd = new SGD(learningRate: 0.5);
        sgd.ApplyGradients([(T(1, 6, 7, 2), v)]);
        TestData.AssertClose([0.5f, -1f, -0.5f, 3f], V(v), 1e-4);
        Assert.Equal(1, sgd.Iterations);
    }

    [Fact] // sgd_test.py::test_correctness_with_golden — SGD(nesterov=True) with Keras's default momentum 0
    public void SGDNesterovWithZeroMomentumGolden()
    {
        double[] Row(double start, double step) => Enumerable.Range(0, 10).Select(i => start - step * i).ToArray();
        AssertGolden(new SGD(nesterov: true), [Row(0.9999, 0), Row(0.9989, 0.001), Row(0.9979, 0.002), Row(0.9969, 0.003), Row(0.9959, 0.004)]);
    }

    public static TheoryData<string> Decaying => new() { "adam", "adamw", "rmsprop", "sgd" };

    static Optimizer WithDecay(string name) => name switch
    {
        "adam" => new Adam(learningRate: 1.0, weightDecay: 0.004),
        "adamw" => new AdamW(learningRate: 1.0, weightDecay: 0.004),
        "rmsprop" => new RMSprop(learningRate: 1.0, weightDecay: 0.004),
        _ => new SGD(learningRate: 1.0, weightDecay: 0.004),
    };

    [Theory] // adam_test.py / adamw_test.py / rmsprop_test.py / sgd_test.py::test_weight_decay
    [MemberData(nameof(Decaying))]
    public void WeightDecayIsDecoupledAndCanExcludeVariables(string name)
    {
        var grads = zeros(Array.Empty<long>());
        var var1 = new Weight(tensor(2f));
        var var2 = new Weight(tensor(2f), name: "exclude");
        var var3 = new Weight(tensor(2f));
        WithDecay(name).ApplyGradients([(grads, var1)]);
        var o2 = WithDecay(name);
        o2.ExcludeFromWeightDecay(varNames: ["exclude"]);
        o2.ApplyGradients([(grads, var1), (grads, var2)]);
        var o3 = WithDecay(name);
        o3.ExcludeFromWeightDecay(varList: [var3.Value]);
        o3.ApplyGradients([(grads, var1), (grads, var3)]);
        Assert.Equal(1.9760959, var1.Value.item<float>(), 6);
        Assert.Equal(2.0, var2.Value.item<float>(), 6);
        Assert.Equal(2.0, var3.Value.item<float>(), 6);
    }

    [Fact] // optimizer_test.py::test_clip_norm / test_clip_value / test_global_clip_norm (SGD lr 1: the step is the clipped gradient)
    public void ClippingAsKeras()
    {
        float h = (float)(Math.Sqrt(2) / 2);
        var a = Var(0, 0);
        new SGD(learningRate: 1, clipnorm: 1).ApplyGradients([(T(100, 100), a)]);
        TestData.AssertClose([-h, -h], V(a), 1e-6);
        var b = Var(0, 0);
        new SGD(learningRate: 1, clipvalue: 1).ApplyGradients([(T(100, 100), b)]);
        TestData.AssertClose([-1f, -1f], V(b), 1e-6);
        var c = Var(0, 0);
        double norm = Math.Sqrt(50 * 50 + 100 * 100);
        new SGD(learningRate: 1, globalClipnorm: 1).ApplyGradients([(T(50, 100), c)]);
        TestData.AssertClose([(float)(-50 / norm), (float)(-100 / norm)], V(c), 1e-6);
        // Global: one norm over all variables together; small gradients are left alone.
        var d = Var(0f);
        var e = Var(0f);
        new SGD(learningRate: 1, globalClipnorm: 10).ApplyGradients([(T(3f), d), (T(4f), e)]);
        TestData.AssertClose([-3f, -4f], [V(d)[0], V(e)[0]], 1e-6);
    }

    [Fact] // optimizer_test.py::test_clip_args
    public void OnlyOneClippingArgument()
    {
        Assert.Equal(0.1, new SGD(learningRate: 1.0, clipnorm: 0.1).Clipnorm);
        Assert.Equal(0.1, new SGD(learningRate: 1.0, clipvalue: 0.1).Clipvalue);
        Assert.Equal(0.1, new SGD(learningRate: 1.0, globalClipnorm: 0.1).GlobalClipnorm);
        var e = Assert.Throws<ArgumentException>(() => new SGD(learningRate: 1.0, clipnorm: 0.1, clipvalue: 0.1));
        Assert.Contains("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can", e.Message);
        Assert.Throws<ArgumentException>(() => new Adam(clipnorm: 0.1, globalClipnorm: 0.1));
    }

    [Fact] // optimizer_test.py::test_ema
    public void MovingAverageAndOverwrite()
    {
        var v = new Weight(tensor(new float[] { 3, 4, 5, 6 }, [2, 2]));
        var grads = ones(2, 2);
        var sgd = new SGD(learningRate: 1.0, useEma: true, emaMomentum: 0.9, emaOverwriteFrequency: 3);
        sgd.ApplyGradients([(grads, v)]);
        TestData.AssertClose([2, 3, 4, 5], V(v), 1e-6);
        TestData.AssertClose([2, 3, 4, 5], TestData.Values(sgd.MovingAverages()![0]), 1e-6); // initialized after the first step
        sgd.ApplyGradients([(grads, v)]);
        TestData.AssertClose([1, 2, 3, 4], V(v), 1e-6);
        TestData.AssertClose([1.9f, 2.9f, 3.9f, 4.9f], TestData.Values(sgd.MovingAverages()![0]), 1e-6);
        sgd.ApplyGradients([(grads, v)]);
        TestData.AssertClose([1.71f, 2.71f, 3.71f, 4.71f], V(v), 1e-5); // overwritten with the average
        TestData.AssertClose([1.71f, 2.71f, 3.71f, 4.71f], TestData.Values(sgd.MovingAverages()![0]), 1e-5);
    }

    [Fact] // optimizer_test.py::test_ema_with_model_fit
    public void MovingAverageIsWrittenToTheModelWhenFitEnds()
    {
        var model = new Sequential(new Dense(2, useBias: false, kernelInitializer: "ones", inputShape: 1));
        var sgd = new SGD(learningRate: 0.1, useEma: true, emaMomentum: 0.9);
        model.Compile(sgd, "mse");
        model.Fit(new float[,] { { 1 } }, new float[,] { { 0, 0 } }, epochs: 2, batchSize: 1, verbose: 0);
        TestData.AssertClose([0.891f, 0.891f], TestData.Values(sgd.MovingAverages()![0]), 1e-5);
        TestData.AssertClose([0.891f, 0.891f], TestData.Values(((Dense)model.Layers[0]).Kernel.Value), 1e-5);
    }

    [Fact] // optimizer_test.py::test_iterations_counter
    public void IterationsCounter()
    {
        var v = new Weight(tensor(new float[] { 1, 2, 3, 4 }, [2, 2]));
        var adam = new Adam(learningRate: 1.0);
        Assert.Equal(0, adam.Iterations);
        adam.ApplyGradients([(ones(2, 2), v)]);
        Assert.Equal(1, adam.Iterations);
        adam.ApplyGradients([(ones(2, 2), v)]);
        Assert.Equal(2, adam.Iterations);
    }

    public static TheoryData<string> Configs => new() { "adam", "adamw", "rmsprop", "sgd" };

    [Theory] // adam_test.py / adamw_test.py / rmsprop_test.py / sgd_test.py::test_config (serialization round trip)
    [MemberData(nameof(Configs))]
    public void ConfigRoundTrip(string name)
    {
        Optimizer o = name switch
        {
            "adam" => new Adam(learningRate: 0.5, beta1: 0.5, beta2: 0.67, epsilon: 1e-5, amsgrad: true, clipnorm: 2),
            "adamw" => new AdamW(learningRate: 0.5, weightDecay: 0.008, beta1: 0.5, beta2: 0.67, epsilon: 1e-5, amsgrad: true),
            "rmsprop" => new RMSprop(learningRate: 0.5, rho: 0.8, momentum: 0.05, epsilon: 1e-6, centered: true, useEma: true),
            _ => new SGD(learningRate: 0.5, momentum: 0.06, nesterov: true, weightDecay: 0.004, globalClipnorm: 1),
        };
        var again = OptimizerRegistry.FromConfig(o.Name, o.GetConfig());
        Assert.Equal(o.GetConfig().Json.ToJsonString(), again.GetConfig().Json.ToJsonString());
    }
}
