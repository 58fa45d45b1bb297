using Deepen.Metrics;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

public class AUCTests
{
    /// <summary>The exact ROC AUC: the probability that a random positive scores above a random negative (ties count ½).</summary>
    static double ExactAuc(float[] y, float[] p)
    {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < y.Length; i++)
            for (int j = 0; j < y.Length; j++)
                if (y[i] == 1 && y[j] == 0)
                {
                    pairs++;
                    sum += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
                }
        return sum / pairs;
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 1.0)]
    [InlineData(3, 3.0)]
    public void ApproximatesTheExactRocAuc(int seed, double separation)
    {
        var r = new Random(seed);
        int n = 300;
        var y = new float[n];
        var p = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = r.Next(2);
            double logit = separation * (y[i] - 0.5) + TestData.Gaussian(r);
            p[i] = (float)(1 / (1 + Math.Exp(-logit)));
        }
        using var auc = new AUC();
        auc.UpdateState(tensor(y[..150]), tensor(p[..150], new long[] { 150, 1 }));
        auc.UpdateState(tensor(y[150..]), tensor(p[150..], new long[] { 150, 1 }));
        double exact = ExactAuc(y, p);
        Assert.InRange(exact, 0.55, 0.99);
        Assert.Equal(exact, auc.Result(), 0.01);
    }

    [Fact]
    public void PerfectAndReversedRankings()
    {
        float[] y = { 0, 0, 1, 1 };
        using var perfect = new AUC();
        perfect.UpdateState(tensor(y), tensor(new float[] { 0.1f, 0.3f, 0.6f, 0.9f }, new long[] { 4, 1 }));
        Assert.Equal(1.0, perfect.Result(), 6);
        using var reversed = new AUC();
        reversed.UpdateState(tensor(y), tensor(new float[] { 0.9f, 0.6f, 0.3f, 0.1f }, new long[] { 4, 1 }));
        Assert.Equal(0.0, reversed.Result(), 6);
    }

    [Fact]
    public void RejectsFewerThanTwoThresholds()
    {
        var e = Assert.Throws<ArgumentException>(() => new AUC(numThresholds: 1));
        Assert.Contains("Received: numThresholds=1", e.Message);
    }
}
