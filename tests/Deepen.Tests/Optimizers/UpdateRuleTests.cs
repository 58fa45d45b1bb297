using Deepen.Cli;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Optimizers;

/// <summary>
/// Each optimizer's update rule, step by step, against Keras's closed form computed here in doubles. The model is one
/// linear Dense layer without bias under the mean squared error, so the gradient of every step is known exactly:
/// g = 2/(N·U) · Xᵀ(XW − Y). Three full-batch steps are compared, so momentum, Nesterov, the centred average and
/// bias correction all show (a first step alone cannot tell momentum from plain SGD).
/// </summary>
/// <remarks>
/// The rules are Keras 3's <c>update_step</c> methods (keras/src/optimizers/sgd.py, adam.py, rmsprop.py) and
/// <c>BaseOptimizer._apply_weight_decay</c> (keras/src/optimizers/base_optimizer.py: <c>w -= w · wd · lr</c> before the
/// update), which AdamW uses. Keras and PyTorch place ε differently (Adam: Keras divides by √v + ε after folding the
/// bias corrections into the rate; RMSprop: Keras takes √(v + ε)); the ε used here (1e-10) is small enough that both
/// placements agree far inside the tolerance, so the tests hold for either implementation.
/// </remarks>
public class UpdateRuleTests
{
    const int N = 4, In = 3, Units = 2, Steps = 3;
    const double Tolerance = 2e-5;

    static readonly double[,] X = { { 1.0, -0.5, 2.0 }, { 0.3, 1.2, -1.0 }, { -1.5, 0.8, 0.4 }, { 0.7, -1.1, 1.3 } };
    static readonly double[,] Y = { { 1.0, -2.0 }, { 0.5, 1.5 }, { -1.0, 0.3 }, { 2.0, -0.7 } };
    static readonly double[] W0 = { 0.4, -0.3, 0.1, 0.6, -0.5, 0.2 };          // (in, units), Keras's kernel layout

    /// <summary>The exact MSE gradient at kernel <paramref name="w"/> (layout (in, units)).</summary>
    static double[] Gradient(double[] w)
    {
        var g = new double[In * Units];
        for (int n = 0; n < N; n++)
            for (int u = 0; u < Units; u++)
            {
                double prediction = 0;
                for (int i = 0; i < In; i++) prediction += X[n, i] * w[i * Units + u];
                double residual = prediction - Y[n, u];
                for (int i = 0; i < In; i++) g[i * Units + u] += 2.0 / (N * Units) * X[n, i] * residual;
            }
        return g;
    }

    /// <summary>Runs <see cref="Steps"/> reference steps; <paramref name="step"/> updates w in place from g and the step number t (1-based).</summary>
    static double[] Reference(Action<double[], double[], int> step)
    {
        var w = (double[])W0.Clone();
        for (int t = 1; t <= Steps; t++) step(w, Gradient(w), t);
        return w;
    }

    /// <summary>Trains the linear model with <paramref name="optimizer"/> for <see cref="Steps"/> full-batch steps and returns the kernel.</summary>
    static float[] Train(Optimizer optimizer)
    {
        var dense = new Dense(Units, useBias: false, inputShape: In);
        var model = new Sequential(dense);
        model.Compile(optimizer, "mse");
        // Dense keeps its kernel in torch's (units, in) layout; W0 and the reference are Keras's (in, units).
        using (var w0 = tensor(W0.Select(v => (float)v).ToArray(), new long[] { In, Units }))
        using (var torchLayout = w0.t().contiguous()) model.SetWeightsTorchLayout(new[] { torchLayout });
        var x = new float[N, In];
        var y = new float[N, Units];
        for (int n = 0; n < N; n++)
        {
            for (int i = 0; i < In; i++) x[n, i] = (float)X[n, i];
            for (int u = 0; u < Units; u++) y[n, u] = (float)Y[n, u];
        }
        model.Fit(x, y, epochs: Steps, batchSize: N, shuffle: false, verbose: 0);
        using var kernel = dense.Kernel.Value.t();
        return TestData.Values(kernel);
    }

    static void AssertFollows(double[] expected, Optimizer optimizer)
    {
        var actual = Train(optimizer);
        // The rule must move the weights well beyond the tolerance, or the comparison says nothing.
        Assert.True(expected.Zip(W0).Max(p => Math.Abs(p.First - p.Second)) > 100 * Tolerance, "the reference steps barely move the weights");
        for (int k = 0; k < expected.Length; k++)
            Assert.True(Math.Abs(expected[k] - actual[k]) <= Tolerance,
                $"{optimizer}: weight {k} is {actual[k]}, Keras's rule gives {expected[k]} (all: expected [{string.Join(", ", expected.Select(v => v.ToString("F6")))}], got [{string.Join(", ", actual.Select(v => v.ToString("F6")))}])");
    }

    // keras/src/optimizers/sgd.py: w -= lr·g; with momentum m = momentum·m − lr·g, then w += m, or with Nesterov
    // w += momentum·m − lr·g.
    static double[] Sgd(double lr, double momentum, bool nesterov, double weightDecay = 0)
    {
        var m = new double[W0.Length];
        return Reference((w, g, _) =>
        {
            for (int k = 0; k < w.Length; k++)
            {
                w[k] -= w[k] * weightDecay * lr;                 // base_optimizer._apply_weight_decay, before the step
                if (momentum == 0) { w[k] -= lr * g[k]; continue; }
                m[k] = momentum * m[k] - lr * g[k];
                w[k] += nesterov ? momentum * m[k] - lr * g[k] : m[k];
            }
        });
    }

    // keras/src/optimizers/adam.py: m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
    // w -= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε). AdamW: the same after w -= w·wd·lr.
    static double[] Adam(double lr, double beta1, double beta2, double epsilon, double weightDecay = 0)
    {
        var m = new double[W0.Length];
        var v = new double[W0.Length];
        return Reference((w, g, t) =>
        {
            double alpha = lr * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t));
            for (int k = 0; k < w.Length; k++)
            {
                w[k] -= w[k] * weightDecay * lr;
                m[k] += (g[k] - m[k]) * (1 - beta1);
                v[k] += (g[k] * g[k] - v[k]) * (1 - beta2);
                w[k] -= alpha * m[k] / (Math.Sqrt(v[k]) + epsilon);
            }
        });
    }

    // keras/src/optimizers/rmsprop.py: v = ρv + (1 − ρ)g²; centred: a = ρa + (1 − ρ)g and the denominator is
    // v − a² + ε, else v + ε; increment = lr·g/√denominator; with momentum: m = momentum·m + increment, w -= m.
    static double[] RmsProp(double lr, double rho, double momentum, double epsilon, bool centered)
    {
        var v = new double[W0.Length];
        var a = new double[W0.Length];
        var m = new double[W0.Length];
        return Reference((w, g, _) =>
        {
            for (int k = 0; k < w.Length; k++)
            {
                v[k] = rho * v[k] + (1 - rho) * g[k] * g[k];
                double denominator;
                if (centered)
                {
                    a[k] = rho * a[k] + (1 - rho) * g[k];
                    denominator = v[k] - a[k] * a[k] + epsilon;
                }
                else denominator = v[k] + epsilon;
                double increment = lr * g[k] / Math.Sqrt(denominator);
                if (momentum > 0) { m[k] = momentum * m[k] + increment; w[k] -= m[k]; }
                else w[k] -= increment;
            }
        });
    }

    const double Eps = 1e-10;

    [Fact] public void SgdIsPlainGradientDescent() => AssertFollows(Sgd(0.1, 0, false), new SGD(0.1));
    [Fact] public void SgdMomentumAccumulatesTheVelocity() => AssertFollows(Sgd(0.1, 0.9, false), new SGD(0.1, momentum: 0.9));
    [Fact] public void SgdNesterovLooksAhead() => AssertFollows(Sgd(0.1, 0.9, true), new SGD(0.1, momentum: 0.9, nesterov: true));

    // Without momentum Keras's decoupled decay (w -= w·wd·lr, then w -= lr·g(w_old)) and an L2 term in the gradient
    // (w -= lr·(g + wd·w)) are the same step; with momentum they differ, which this test does not cover.
    [Fact] public void SgdWeightDecayShrinksTheWeights() => AssertFollows(Sgd(0.1, 0, false, weightDecay: 0.5), new SGD(0.1, weightDecay: 0.5));

    [Fact] public void AdamCorrectsTheBiasOfBothMoments() => AssertFollows(Adam(0.05, 0.9, 0.999, Eps), new Adam(0.05, epsilon: Eps));
    [Fact] public void AdamWithOtherBetas() => AssertFollows(Adam(0.05, 0.5, 0.9, Eps), new Adam(0.05, beta1: 0.5, beta2: 0.9, epsilon: Eps));
    [Fact] public void AdamWDecaysTheWeightsBeforeTheAdamStep() => AssertFollows(Adam(0.05, 0.9, 0.999, Eps, weightDecay: 0.5), new AdamW(0.05, weightDecay: 0.5, epsilon: Eps));
    [Fact] public void RmsPropDividesByTheRootMeanSquare() => AssertFollows(RmsProp(0.01, 0.9, 0, Eps, false), new RMSprop(0.01, epsilon: Eps));
    [Fact] public void RmsPropWithMomentum() => AssertFollows(RmsProp(0.01, 0.9, 0.8, Eps, false), new RMSprop(0.01, momentum: 0.8, epsilon: Eps));
    [Fact] public void RmsPropCenteredSubtractsTheSquaredMeanGradient() => AssertFollows(RmsProp(0.01, 0.9, 0, Eps, true), new RMSprop(0.01, centered: true, epsilon: Eps));
    [Fact] public void RmsPropCenteredWithMomentum() => AssertFollows(RmsProp(0.01, 0.8, 0.5, Eps, true), new RMSprop(0.01, rho: 0.8, momentum: 0.5, centered: true, epsilon: Eps));

    [Fact]
    public void TheVariantsAreDistinguishable()
    {
        // The comparisons above only mean something if each option changes the result by more than the tolerance.
        static double Gap(double[] a, double[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(Gap(Sgd(0.1, 0, false), Sgd(0.1, 0.9, false)) > 50 * Tolerance);
        Assert.True(Gap(Sgd(0.1, 0.9, false), Sgd(0.1, 0.9, true)) > 50 * Tolerance);
        Assert.True(Gap(Sgd(0.1, 0, false), Sgd(0.1, 0, false, 0.5)) > 50 * Tolerance);
        Assert.True(Gap(Adam(0.05, 0.9, 0.999, Eps), Adam(0.05, 0.9, 0.999, Eps, 0.5)) > 50 * Tolerance);
        Assert.True(Gap(Adam(0.05, 0.9, 0.999, Eps), Adam(0.05, 0.5, 0.9, Eps)) > 50 * Tolerance);
        Assert.True(Gap(RmsProp(0.01, 0.9, 0, Eps, false), RmsProp(0.01, 0.9, 0, Eps, true)) > 50 * Tolerance);
        Assert.True(Gap(RmsProp(0.01, 0.9, 0, Eps, false), RmsProp(0.01, 0.9, 0.8, Eps, false)) > 50 * Tolerance);
        Assert.True(Gap(Adam(0.01, 0.9, 0.999, Eps), RmsProp(0.01, 0.9, 0, Eps, false)) > 50 * Tolerance);
    }

    /// <summary>
    /// <c>deepen train --optimizer NAME [--lr R]</c> resolves through <see cref="CommonChecks.Optimizer"/>: each name must
    /// give that optimizer with Keras's defaults, and then follow its rule.
    /// </summary>
    [Theory]
    [InlineData("sgd", null)]
    [InlineData("adam", null)]
    [InlineData("adamw", null)]
    [InlineData("rmsprop", null)]
    [InlineData("RMSprop", 0.01)]
    [InlineData("adamw", 0.05)]
    public void CliOptimizerNamesGiveKerasOptimizersThatFollowTheirRules(string name, double? lr)
    {
        var optimizer = CommonChecks.Optimizer(name, lr);
        switch (optimizer)
        {
            case SGD s:
                Assert.Equal("sgd", name);
                Assert.Equal((lr ?? 0.01, 0.0, false), (s.LearningRate, s.Momentum, s.Nesterov));
                Assert.True(s.WeightDecay is null or 0.0, $"weight decay {s.WeightDecay}");     // Keras: weight_decay=None
                AssertFollows(Sgd(s.LearningRate, 0, false), optimizer);
                break;
            case AdamW w:
                Assert.Equal("adamw", name);
                Assert.Equal((lr ?? 0.001, 0.004, 0.9, 0.999, 1e-7), (w.LearningRate, w.WeightDecay, w.Beta1, w.Beta2, w.Epsilon));
                // ε = 1e-7: the gradients here are large enough (|g| > 0.01) that ε's placement stays below the tolerance.
                AssertFollows(Adam(w.LearningRate, 0.9, 0.999, 1e-7, weightDecay: 0.004), optimizer);
                break;
            case Adam a:
                Assert.Equal("adam", name);
                Assert.Equal((lr ?? 0.001, 0.9, 0.999, 1e-7), (a.LearningRate, a.Beta1, a.Beta2, a.Epsilon));
                AssertFollows(Adam(a.LearningRate, 0.9, 0.999, 1e-7), optimizer);
                break;
            case RMSprop r:
                Assert.Equal("rmsprop", name.ToLowerInvariant());
                Assert.Equal((lr ?? 0.001, 0.9, 0.0, 1e-7, false), (r.LearningRate, r.Rho, r.Momentum, r.Epsilon, r.Centered));
                AssertFollows(RmsProp(r.LearningRate, 0.9, 0, 1e-7, false), optimizer);
                break;
            default:
                Assert.Fail($"--optimizer {name} gave {optimizer.GetType().Name}");
                break;
        }
    }
}
