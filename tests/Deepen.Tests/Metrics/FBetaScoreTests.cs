using Deepen.Metrics;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

/// <summary>The numeric expectations of keras/src/metrics/f_score_metrics_test.py (FBetaScoreTest, F1ScoreTest).</summary>
public class FBetaScoreTests
{
    static readonly float[,] TrueSix = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 0, 0 }, { 1, 0, 0 }, { 0, 0, 1 } };
    static readonly float[,] PredSix = { { 0.9f, 0.1f, 0 }, { 0.2f, 0.6f, 0.2f }, { 0, 0, 1 }, { 0.4f, 0.3f, 0.3f }, { 0, 0.9f, 0.1f }, { 0, 0, 1 } };
    static readonly float[,] PredThree = { { 0.7f, 0.7f, 0.7f }, { 1, 0, 0 }, { 0.9f, 0.8f, 0 } };

    static double[] Run(FBetaScore m, float[,] yTrue, float[,] yPred, float[]? w = null)
    {
        m.UpdateState(tensor(yTrue), tensor(yPred), w is null ? null : tensor(w));
        return m.Results();
    }

    static string? Avg(string a) => a == "none" ? null : a;

    [Theory] // test_fbeta_perfect_score / test_fbeta_worst_score
    [InlineData("micro", 0.5)] [InlineData("micro", 1.0)] [InlineData("micro", 2.0)]
    [InlineData("macro", 0.5)] [InlineData("macro", 1.0)] [InlineData("macro", 2.0)]
    [InlineData("weighted", 0.5)] [InlineData("weighted", 1.0)] [InlineData("weighted", 2.0)]
    public void PerfectAndWorstScores(string average, double beta)
    {
        Assert.Equal(1.0, Run(new FBetaScore(average, beta, 0.66), new float[,] { { 1, 1, 1 }, { 1, 0, 0 }, { 1, 1, 0 } }, PredThree)[0], 6);
        Assert.Equal(0.0, Run(new FBetaScore(average, beta, 0.66), new float[,] { { 0, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, PredThree)[0], 6);
    }

    [Theory] // test_fbeta_random_score
    [InlineData("none", 0.5, new[] { 0.71428573, 0.5, 0.833334 })]
    [InlineData("none", 1.0, new[] { 0.8, 0.5, 0.6666667 })]
    [InlineData("none", 2.0, new[] { 0.9090904, 0.5, 0.555556 })]
    [InlineData("micro", 0.5, new[] { 0.6666667 })] [InlineData("micro", 1.0, new[] { 0.6666667 })] [InlineData("micro", 2.0, new[] { 0.6666667 })]
    [InlineData("macro", 0.5, new[] { 0.6825397 })] [InlineData("macro", 1.0, new[] { 0.6555555 })] [InlineData("macro", 2.0, new[] { 0.6548822 })]
    [InlineData("weighted", 0.5, new[] { 0.6825397 })] [InlineData("weighted", 1.0, new[] { 0.6555555 })] [InlineData("weighted", 2.0, new[] { 0.6548822 })]
    public void RandomScoreWithThreshold(string average, double beta, double[] expected)
    {
        var result = Run(new FBetaScore(Avg(average), beta, 0.66), new float[,] { { 0, 0, 1 }, { 1, 1, 0 }, { 1, 1, 1 } }, PredThree);
        Assert.Equal(expected.Length, result.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], result[i], 1e-5);
    }

    [Theory] // test_fbeta_random_score_none (threshold None: each row's arg-max is positive)
    [InlineData("none", 0.5, new[] { 0.9090904, 0.555556, 1.0 })]
    [InlineData("none", 1.0, new[] { 0.8, 0.6666667, 1.0 })]
    [InlineData("none", 2.0, new[] { 0.71428573, 0.833334, 1.0 })]
    [InlineData("micro", 1.0, new[] { 0.833334 })]
    [InlineData("macro", 0.5, new[] { 0.821549 })] [InlineData("macro", 1.0, new[] { 0.822222 })] [InlineData("macro", 2.0, new[] { 0.849206 })]
    [InlineData("weighted", 0.5, new[] { 0.880471 })] [InlineData("weighted", 1.0, new[] { 0.844445 })] [InlineData("weighted", 2.0, new[] { 0.829365 })]
    public void RandomScoreWithoutThreshold(string average, double beta, double[] expected)
    {
        var result = Run(new FBetaScore(Avg(average), beta), TrueSix, PredSix);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], result[i], 1e-5);
    }

    [Theory] // test_fbeta_weighted_random_score_none (a selection of its rows)
    [InlineData("none", 0.5, new[] { 0.5f, 1, 1, 1, 0.5f, 1 }, new[] { 0.9375, 0.714286, 1.0 })]
    [InlineData("none", 1.0, new[] { 1f, 0, 1, 1, 0, 1 }, new[] { 1.0, 0.0, 1.0 })]
    [InlineData("none", 2.0, new[] { 0.5f, 1, 1, 1, 0.5f, 1 }, new[] { 0.789474, 0.909091, 1.0 })]
    [InlineData("micro", 1.0, new[] { 0.5f, 1, 1, 1, 0.5f, 1 }, new[] { 0.9 })]
    [InlineData("macro", 0.5, new[] { 0.5f, 1, 1, 1, 0.5f, 1 }, new[] { 0.883929 })]
    [InlineData("macro", 1.0, new[] { 1f, 0, 1, 1, 0, 1 }, new[] { 0.666667 })]
    [InlineData("weighted", 1.0, new[] { 0.5f, 1, 1, 1, 0.5f, 1 }, new[] { 0.902857 })]
    [InlineData("weighted", 2.0, new[] { 0.5f, 1, 1, 1, 0.5f, 1 }, new[] { 0.897608 })]
    public void SampleWeights(string average, double beta, float[] weights, double[] expected)
    {
        var result = Run(new FBetaScore(Avg(average), beta), TrueSix, PredSix, weights);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], result[i], 1e-5);
    }

    [Fact] // test_fbeta_2d_weight, and test_correctness of F1ScoreTest (F1 = FBeta with β = 1)
    public void ElementWeightsAndF1()
    {
        var f = new F1Score(threshold: 0.5);
        f.UpdateState(tensor(new float[,] { { 1, 1 }, { 1, 0 } }), tensor(new float[,] { { 0.2f, 0.6f }, { 0.2f, 0.6f } }),
            tensor(new float[,] { { 0.5f, 0.2f }, { 0.3f, 0.8f } }));
        var r = f.Results();
        Assert.Equal(0.0, r[0], 5);
        Assert.Equal(0.333333, r[1], 5);
        Assert.Equal((r[0] + r[1]) / 2, f.Result(), 9);         // Deepen: Result() of average None is the per-class mean
        var a = Run(new F1Score(), TrueSix, PredSix);
        var b = Run(new FBetaScore(beta: 1.0), TrueSix, PredSix);
        Assert.Equal(b, a);
        Assert.Equal("f1_score", new F1Score().Name);
    }

    [Fact] // test_invalid_average_raises_value_error, test_beta_zero…, test_threshold_above_one…, test_non_2d_input_shapes…
    public void InvalidArgumentsNameTheValue()
    {
        Assert.Contains("Expected one of: {None, 'micro', 'macro', 'weighted'}. Received: average=invalid_average",
            Assert.Throws<ArgumentException>(() => new FBetaScore("invalid_average")).Message);
        Assert.Contains("It should be > 0. Received: beta=0", Assert.Throws<ArgumentException>(() => new FBetaScore("macro", 0.0)).Message);
        Assert.Contains("It should be > 0. Received: beta=-0.5", Assert.Throws<ArgumentException>(() => new FBetaScore("macro", -0.5)).Message);
        Assert.Contains("0 < threshold <= 1. Received: threshold=1.1", Assert.Throws<ArgumentException>(() => new FBetaScore("macro", 1.0, 1.1)).Message);
        Assert.Contains("0 < threshold <= 1. Received: threshold=0", Assert.Throws<ArgumentException>(() => new FBetaScore("macro", 1.0, 0.0)).Message);
        var e = Assert.Throws<ArgumentException>(() => new FBetaScore().UpdateState(zeros(2, 3, 4), zeros(2, 3, 4)));
        Assert.Contains("FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input shapes: y_pred.shape=(2, 3, 4) and y_true.shape=(2, 3, 4).", e.Message);
    }

    [Fact] // integer labels are one-hot encoded against the predictions (a Deepen convenience for sparse targets)
    public void SparseLabelsEqualOneHotTargets()
    {
        var labels = tensor(new long[] { 0, 1, 2, 0, 0, 2 });
        var m = new FBetaScore("macro");
        m.UpdateState(labels, tensor(PredSix));
        Assert.Equal(0.822222, m.Result(), 5);
    }
}
