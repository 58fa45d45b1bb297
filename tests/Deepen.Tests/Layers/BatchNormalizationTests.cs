using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class BatchNormalizationTests
{
    [Fact]
    public void HasFourWeightsPerChannelHalfOfThemNonTrainable()
    {
        var bn = new BatchNormalization();
        bn.Build((5, 5, 6));
        Assert.Equal(4 * 6, bn.CountParams());
        Assert.Equal(new[] { "gamma", "beta" }, bn.TrainableWeights.Select(w => w.Name));
        Assert.Equal(new[] { "moving_mean", "moving_variance" }, bn.NonTrainableWeights.Select(w => w.Name));
        Assert.Equal(2 * 6, bn.NonTrainableWeights.Sum(w => w.Count));
    }

    [Fact]
    public void InferenceUsesMovingStatistics()
    {
        var bn = new BatchNormalization(epsilon: 1e-3);
        bn.Build(2);
        using var x = tensor(new float[] { 1, -2, 3, 4 }, new long[] { 2, 2 });
        var y = TestData.Values(bn.Call(x, training: false));
        // fresh moving mean 0 and variance 1, gamma 1, beta 0: y = x / sqrt(1 + eps)
        TestData.AssertClose(new[] { 1f, -2f, 3f, 4f }.Select(v => (float)(v / Math.Sqrt(1 + 1e-3))).ToArray(), y, 1e-6);
    }

    [Fact]
    public void TrainingNormalizesTheLastAxisWithBatchStatisticsAndUpdatesTheMovingMean()
    {
        var bn = new BatchNormalization(momentum: 0.9);
        bn.Build((2, 2, 2));
        var r = new Random(3);
        var x = Enumerable.Range(0, 3 * 2 * 2 * 2).Select(_ => (float)(5 * r.NextDouble() + 1)).ToArray();
        var y = TestData.Values(bn.Call(tensor(x, new long[] { 3, 2, 2, 2 }), training: true));
        for (int c = 0; c < 2; c++)
        {
            var xs = Enumerable.Range(0, x.Length / 2).Select(i => (double)x[2 * i + c]).ToArray();
            double mean = xs.Average(), variance = xs.Select(v => (v - mean) * (v - mean)).Average();
            for (int i = 0; i < xs.Length; i++)
                Assert.Equal((xs[i] - mean) / Math.Sqrt(variance + 1e-3), y[2 * i + c], 4);
            // Keras: moving = momentum·moving + (1 − momentum)·batch mean, starting from 0.
            Assert.Equal(0.1 * mean, TestData.Values(bn.Weights.Single(w => w.Name == "moving_mean").Value)[c], 5);
        }
    }

    [Fact]
    public void FrozenLayerRunsInInferenceModeAndCountsAsNonTrainable()
    {
        var bn = new BatchNormalization { Trainable = false };
        bn.Build(3);
        Assert.Empty(bn.TrainableWeights);
        Assert.Equal(12, bn.NonTrainableWeights.Sum(w => w.Count));
        using var x = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        TestData.AssertTensorsClose(x / Math.Sqrt(1 + 1e-3), bn.Call(x, training: true), 1e-6);
    }

    [Fact]
    public void RejectsMomentumOutsideZeroToOne()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNormalization(momentum: 1.5));
        Assert.Contains("Received: momentum=1.5", e.Message);
    }

    [Fact]
    public void MovingVarianceFollowsKerasBiasedBatchVariance()
    {
        var bn = new BatchNormalization(momentum: 0.9);
        bn.Build(3);
        var r = new Random(5);
        const int n = 4;
        var x = Enumerable.Range(0, n * 3).Select(_ => (float)(4 * r.NextDouble() - 1)).ToArray();
        for (int step = 0; step < 2; step++)
        {
            var expected = TestData.Values(bn.NonTrainableWeights.Single(w => w.Name == "moving_variance").Value.clone());
            using var _ = bn.Call(tensor(x, new long[] { n, 3 }), training: true);
            for (int c = 0; c < 3; c++)
            {
                var column = Enumerable.Range(0, n).Select(i => (double)x[i * 3 + c]).ToArray();
                double mean = column.Average(), biased = column.Sum(v => (v - mean) * (v - mean)) / n;
                expected[c] = (float)(0.9 * expected[c] + 0.1 * biased);   // Keras: momentum·old + (1 − momentum)·biased
            }
            var actual = TestData.Values(bn.NonTrainableWeights.Single(w => w.Name == "moving_variance").Value);
            TestData.AssertClose(expected, actual, 1e-5);
        }
    }
}
