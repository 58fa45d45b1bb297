using Deepen.Losses;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Losses;

/// <summary>The numeric expectations of keras/src/losses/losses_test.py (test class and method named on each test).</summary>
public class KerasLossTests
{
    static Tensor T(float[,] a) => tensor(a);
    static readonly float[,] YTrue = { { 1, 9, 2 }, { -5, -2, 6 } };
    static readonly float[,] YPred = { { 4, 8, 12 }, { 8, 1, 3 } };
    static Tensor Steps(float[,] a) => T(a).reshape(2, 3, 1);
    static readonly Tensor StepWeights = tensor(new float[] { 3, 6, 5, 0, 4, 2 }).reshape(2, 3);
    static readonly Tensor RowWeights = tensor(new float[,] { { 1.2f }, { 3.4f } });

    static void Near(double expected, Tensor actual, double tolerance = 1e-3) =>
        Assert.True(Math.Abs(expected - actual.item<float>()) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual.item<float>()}");

    [Fact] // MeanSquaredErrorTest: test_unweighted, test_scalar_weighted, test_sample_weighted, test_timestep_weighted, test_zero_weighted
    public void MeanSquaredErrorWeights()
    {
        var mse = new MeanSquaredError();
        Near(49.5, mse.Call(T(YTrue), T(YPred)));
        Near(113.85, mse.Call(T(YTrue), T(YPred), tensor(2.3f)));
        Near(767.8 / 6, mse.Call(T(YTrue), T(YPred), RowWeights));      // (batch, 1): no (batch, batch) broadcast
        Near(97.833336, mse.Call(Steps(YTrue), Steps(YPred), StepWeights)); // (batch, timesteps)
        Near(0, mse.Call(T(YTrue), T(YPred), tensor(0f)));
    }

    [Fact] // MeanSquaredErrorTest: test_no_reduction, test_sum_reduction, test_mean_with_sample_weight_reduction
    public void MeanSquaredErrorReductions()
    {
        TestData.AssertClose([84.3333f, 143.3666f], TestData.Values(new MeanSquaredError(reduction: null).Call(T(YTrue), T(YPred), tensor(2.3f))), 1e-3);
        Near(227.69998, new MeanSquaredError(reduction: "sum").Call(T(YTrue), T(YPred), tensor(2.3f)));
        Near((110 / 3.0 * 1.2 + 187 / 3.0 * 3.4) / (1.2 + 3.4), new MeanSquaredError(reduction: "mean_with_sample_weight").Call(T(YTrue), T(YPred), RowWeights));
    }

    [Fact] // MeanAbsoluteErrorTest: test_unweighted … test_mean_with_sample_weight_reduction
    public void MeanAbsoluteError()
    {
        var mae = new MeanAbsoluteError();
        Near(5.5, mae.Call(T(YTrue), T(YPred)));
        Near(12.65, mae.Call(T(YTrue), T(YPred), tensor(2.3f)));
        Near(81.4 / 6, mae.Call(T(YTrue), T(YPred), RowWeights));
        Near(13.833333, mae.Call(Steps(YTrue), Steps(YPred), StepWeights));
        TestData.AssertClose([10.7333f, 14.5666f], TestData.Values(new MeanAbsoluteError(reduction: null).Call(T(YTrue), T(YPred), tensor(2.3f))), 1e-3);
        Near(25.29999, new MeanAbsoluteError(reduction: "sum").Call(T(YTrue), T(YPred), tensor(2.3f)));
    }

    [Fact] // MeanAbsolutePercentageErrorTest and MeanSquaredLogarithmicErrorTest
    public void PercentageAndLogarithmicErrors()
    {
        var mape = new MeanAbsolutePercentageError();
        Near(211.8518, mape.Call(T(YTrue), T(YPred)));
        Near(487.259, mape.Call(T(YTrue), T(YPred), tensor(2.3f)));
        Near(422.8888, mape.Call(T(YTrue), T(YPred), RowWeights));
        Near(694.4444, mape.Call(Steps(YTrue), Steps(YPred), StepWeights));
        Near(183.865, new MeanAbsolutePercentageError(reduction: "mean_with_sample_weight").Call(T(YTrue), T(YPred), RowWeights));
        var msle = new MeanSquaredLogarithmicError();
        Near(1.4370, msle.Call(T(YTrue), T(YPred)));
        Near(3.3051, msle.Call(T(YTrue), T(YPred), tensor(2.3f)));
        Near(3.7856, msle.Call(T(YTrue), T(YPred), RowWeights));
        Near(2.647374, msle.Call(Steps(YTrue), Steps(YPred), StepWeights));
    }

    static readonly float[,] HingeTrue = { { 0, 1 }, { 0, 0 } };
    static readonly float[,] HingePred = { { 0.6f, 0.4f }, { 0.4f, 0.6f } };

    [Theory] // HingeTest / SquaredHingeTest / CategoricalHingeTest: test_unweighted, test_weighted
    [InlineData("hinge", 1.3, 2.6, 1.1, 1.5, 0.55)]
    [InlineData("squared_hinge", 1.86, 3.72, 1.46, 2.26, 0.73)]
    [InlineData("categorical_hinge", 1.4, 2.8, 1.2, 1.6, 0.6)]
    public void Hinges(string name, double mean, double sum, double first, double second, double weighted)
    {
        Loss Make(string? reduction) => name switch
        {
            "hinge" => new Hinge(reduction),
            "squared_hinge" => new SquaredHinge(reduction),
            _ => new CategoricalHinge(reduction),
        };
        Near(mean, Make("sum_over_batch_size").Call(T(HingeTrue), T(HingePred)));
        Near(sum, Make("sum").Call(T(HingeTrue), T(HingePred)));
        TestData.AssertClose([(float)first, (float)second], TestData.Values(Make(null).Call(T(HingeTrue), T(HingePred))), 1e-4);
        Near(weighted, Make("sum_over_batch_size").Call(T(HingeTrue), T(HingePred), tensor(new float[] { 1, 0 })));
        var e = Assert.Throws<ArgumentException>(() => Make("abc"));
        Assert.Contains("Invalid value for argument `reduction`", e.Message);
    }

    static double[] CosineRows()
    {
        double[] Norm(float[] v) { double n = Math.Sqrt(v.Sum(x => (double)x * x)); return v.Select(x => x / n).ToArray(); }
        return Enumerable.Range(0, 2).Select(r =>
        {
            var a = Norm(Enumerable.Range(0, 3).Select(c => YTrue[r, c]).ToArray());
            var b = Norm(Enumerable.Range(0, 3).Select(c => YPred[r, c]).ToArray());
            return a.Zip(b, (x, y) => x * y).Sum();
        }).ToArray();
    }

    [Fact] // CosineSimilarityTest: test_unweighted, test_sample_weighted, test_axis
    public void CosineSimilarity()
    {
        var rows = CosineRows();
        Near(-rows.Average(), new CosineSimilarity().Call(T(YTrue), T(YPred)));
        Near(-(rows[0] * 1.2 + rows[1] * 3.4) / 2, new CosineSimilarity().Call(T(YTrue), T(YPred), tensor(new[] { 1.2f, 3.4f })));
        Near(-rows.Average(), new CosineSimilarity(axis: 1).Call(T(YTrue), T(YPred)));
    }

    static double HuberOf(double e, double delta) => Math.Abs(e) <= delta ? 0.5 * e * e : delta * Math.Abs(e) - 0.5 * delta * delta;

    [Theory] // HuberLossTest: test_unweighted, test_scalar_weighted, test_sample_weighted, test_non_default_delta
    [InlineData(1.0)]
    [InlineData(0.8)]
    public void Huber(double delta)
    {
        float[,] pred = { { 0.9f, 0.2f, 0.2f }, { 0.8f, 0.4f, 0.6f } }, truth = { { 1, 0, 1 }, { 1, 0, 0 } };
        var per = Enumerable.Range(0, 6).Select(i => HuberOf(pred[i / 3, i % 3] - truth[i / 3, i % 3], delta)).ToArray();
        var h = new Huber(delta);
        Near(per.Sum() / 6, h.Call(T(truth), T(pred)));
        Near(2.3 * per.Sum() / 6, h.Call(T(truth), T(pred), tensor(2.3f)));
        Near(per.Select((v, i) => v * (i < 3 ? 1.2 : 3.4)).Sum() / 6, h.Call(T(truth), T(pred), RowWeights));
    }

    [Fact] // LogCoshTest / KLDivergenceTest / PoissonTest: test_unweighted and test_timestep_weighted
    public void LogCoshKlPoisson()
    {
        var logcosh = Enumerable.Range(0, 6).Select(i => { double e = YPred[i / 3, i % 3] - YTrue[i / 3, i % 3]; return Math.Log((Math.Exp(e) + Math.Exp(-e)) / 2); }).ToArray();
        Near(logcosh.Sum() / 6, new LogCosh().Call(T(YTrue), T(YPred)));
        var w = new double[] { 3, 6, 5, 0, 4, 2 };
        Near(logcosh.Select((v, i) => v * w[i]).Sum() / 6, new LogCosh().Call(Steps(YTrue), Steps(YPred), StepWeights.reshape(2, 3, 1)));

        float[,] kp = { { 0.4f, 0.9f, 0.12f }, { 0.36f, 0.3f, 0.4f } }, kt = { { 0.5f, 0.8f, 0.12f }, { 0.7f, 0.43f, 0.8f } };
        var kl = Enumerable.Range(0, 6).Select(i => kt[i / 3, i % 3] * Math.Log(kt[i / 3, i % 3] / kp[i / 3, i % 3])).ToArray();
        Near(kl.Sum() / 2, new KLDivergence().Call(T(kt), T(kp)));
        Near(kl.Select((v, i) => v * w[i]).Sum() / 6, new KLDivergence().Call(T(kt).reshape(2, 3, 1), T(kp).reshape(2, 3, 1), StepWeights));

        float[,] pp = { { 1, 9, 2 }, { 5, 2, 6 } }, pt = { { 4, 8, 12 }, { 8, 1, 3 } };
        var poisson = Enumerable.Range(0, 6).Select(i => pp[i / 3, i % 3] - pt[i / 3, i % 3] * Math.Log(pp[i / 3, i % 3])).ToArray();
        Near(poisson.Sum() / 6, new Poisson().Call(T(pt), T(pp)));
        Near(poisson.Select((v, i) => v * (i < 3 ? 1.2 : 3.4)).Sum() / 6, new Poisson().Call(T(pt), T(pp), RowWeights));
    }

    [Fact] // BinaryCrossentropyTest: test_unweighted, test_scalar_weighted, test_sample_weighted, test_no_reduction, test_label_smoothing
    public void BinaryCrossentropy()
    {
        var t = T(new float[,] { { 1, 0 }, { 1, 0 } });
        var p = T(new float[,] { { 1, 1 }, { 1, 0 } });
        Near(3.98559, new BinaryCrossentropy().Call(t, p));
        Near(9.1668, new BinaryCrossentropy().Call(t, p, tensor(2.3f)));
        Near(4.7827, new BinaryCrossentropy().Call(t, p, RowWeights));
        var lt = T(new float[,] { { 1, 0, 1 }, { 0, 1, 1 } });
        var logits = T(new float[,] { { 10, -10, 10 }, { 10, 10, -10 } });
        Near(3.3333, new BinaryCrossentropy(fromLogits: true).Call(lt, logits));
        Near(10.0, new BinaryCrossentropy(fromLogits: true).Call(lt, logits, tensor(new float[] { 4, 3 })));
        TestData.AssertClose([0f, 6.666f], TestData.Values(new BinaryCrossentropy(fromLogits: true, reduction: null).Call(lt, logits)), 1e-3);
        Near((10.0 + 5.0 * 0.1) / 3.0, new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1)
            .Call(T(new float[,] { { 1, 0, 1 } }), T(new float[,] { { 10, -10, -10 } })));
    }

    [Fact] // CategoricalCrossentropyTest: test_unweighted, test_sample_weighted, test_no_reduction, test_label_smoothing
    public void CategoricalCrossentropy()
    {
        var t = T(new float[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        var p = T(new float[,] { { 0.9f, 0.05f, 0.05f }, { 0.5f, 0.89f, 0.6f }, { 0.05f, 0.01f, 0.94f } });
        var logits = T(new float[,] { { 8, 1, 1 }, { 0, 9, 1 }, { 2, 3, 5 } });
        var w = tensor(new float[,] { { 1.2f }, { 3.4f }, { 5.6f } });
        Near(0.3239, new CategoricalCrossentropy().Call(t, p));
        Near(0.0573, new CategoricalCrossentropy(fromLogits: true).Call(t, logits));
        Near(0.7449, new CategoricalCrossentropy().Call(t, p, tensor(2.3f)));
        Near(1.0696, new CategoricalCrossentropy().Call(t, p, w));
        Near(0.31829, new CategoricalCrossentropy(fromLogits: true).Call(t, logits, w));
        TestData.AssertClose([0.001822f, 0.000459f, 0.169846f], TestData.Values(new CategoricalCrossentropy(fromLogits: true, reduction: null).Call(t, logits)), 1e-5);
        Near(400.0 * 0.1 / 3.0, new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1).Call(T(new float[,] { { 1, 0, 0 } }), T(new float[,] { { 100, -100, -100 } })));
    }

    [Fact] // SparseCategoricalCrossentropyTest: test_unweighted, test_ignore_class (ignored entries leave the mean)
    public void SparseCategoricalCrossentropyIgnoreClass()
    {
        var p = T(new float[,] { { 0.9f, 0.05f, 0.05f }, { 0.5f, 0.89f, 0.6f }, { 0.05f, 0.01f, 0.94f } });
        Near(0.3239, new SparseCategoricalCrossentropy().Call(tensor(new long[] { 0, 1, 2 }), p));
        // Ignoring class 2 leaves rows 0 and 1: the mean of their two losses.
        double row0 = -Math.Log(0.9), row1 = -Math.Log(0.89 / (0.5 + 0.89 + 0.6));
        Near((row0 + row1) / 2, new SparseCategoricalCrossentropy(ignoreClass: 2).Call(tensor(new long[] { 0, 1, 2 }), p));
        TestData.AssertClose([(float)row0, (float)row1, 0f], TestData.Values(new SparseCategoricalCrossentropy(ignoreClass: 2, reduction: null).Call(tensor(new long[] { 0, 1, 2 }), p)), 1e-5);
    }

    [Fact] // BinaryFocalCrossentropyTest / CategoricalFocalCrossentropyTest formulas (losses.py), checked against the closed form
    public void FocalLosses()
    {
        double y = 1, q = 0.7, gamma = 2;
        double bce = -Math.Log(q), pt = y * q + (1 - y) * (1 - q);
        Near(Math.Pow(1 - pt, gamma) * bce, new BinaryFocalCrossentropy(gamma: gamma).Call(T(new float[,] { { 1 } }), T(new float[,] { { 0.7f } })));
        Near(0.25 * Math.Pow(1 - pt, gamma) * bce, new BinaryFocalCrossentropy(applyClassBalancing: true).Call(T(new float[,] { { 1 } }), T(new float[,] { { 0.7f } })));
        var probs = new[] { 0.2, 0.7, 0.1 };
        Near(0.25 * Math.Pow(1 - 0.7, 2) * -Math.Log(0.7), new CategoricalFocalCrossentropy().Call(T(new float[,] { { 0, 1, 0 } }), T(new float[,] { { 0.2f, 0.7f, 0.1f } })));
        Assert.Equal(3, probs.Length);
    }

    [Fact]
    public void ReductionNoneCannotTrainAndSaysWhy()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new MeanSquaredError(reduction: "none").Compute(T(YTrue), T(YPred), false, null));
        Assert.Contains("sum_over_batch_size", e.Message);
    }

    [Fact]
    public void RegistryKnowsTheNewNamesAndConfigsRoundTrip()
    {
        foreach (var name in new[] { "huber", "log_cosh", "kl_divergence", "poisson", "cosine_similarity", "hinge", "squared_hinge", "categorical_hinge",
                     "mape", "msle", "binary_focal_crossentropy", "categorical_focal_crossentropy" })
            Assert.NotNull(LossRegistry.Get(name));
        var bce = new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.2, reduction: "sum");
        var again = (BinaryCrossentropy)LossRegistry.FromConfig(bce.Name, true, bce.GetConfig());
        Assert.Equal(0.2, again.LabelSmoothing);
        Assert.Equal("sum", again.Reduction);
    }
}
