using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class LayerNormalizationTests
{
    [Fact]
    public void MatchesTheClosedFormWithKerasEpsilon()
    {
        Backend.SetRandomSeed(61);
        var ln = new LayerNormalization();
        Assert.Equal(1e-3, ln.Epsilon);
        ln.Build((3, 4));
        using (no_grad()) { ln.Gamma!.Value.uniform_(0.5, 2); ln.Beta!.Value.uniform_(-1, 1); }
        using var x = randn(2, 3, 4) * 3 + 1;
        using var y = ln.Call(x);
        var xv = TestData.Values(x);
        var g = TestData.Values(ln.Gamma.Value);
        var b = TestData.Values(ln.Beta.Value);
        var expected = new float[xv.Length];
        for (int row = 0; row < 6; row++)
        {
            var v = xv.Skip(row * 4).Take(4).Select(f => (double)f).ToArray();
            double mean = v.Average(), variance = v.Select(a => (a - mean) * (a - mean)).Average();   // biased
            for (int i = 0; i < 4; i++) expected[row * 4 + i] = (float)((v[i] - mean) / Math.Sqrt(variance + 1e-3) * g[i] + b[i]);
        }
        TestData.AssertClose(expected, TestData.Values(y), 1e-5);
    }

    [Fact]
    public void CenterAndScaleCanBeTurnedOffAndMasksPassThrough()
    {
        var ln = new LayerNormalization(center: false, scale: false);
        ln.Build(5);
        Assert.Empty(ln.Weights);
        using var x = tensor(new float[] { 1, 2, 3, 4, 5 }, new long[] { 1, 5 });
        using var y = ln.Call(x);
        Assert.True(Math.Abs(y.mean().item<float>()) < 1e-6);
        using var mask = ones(1, 5, dtype: ScalarType.Bool);
        Assert.Same(mask, ln.ComputeMask(x, mask));
    }

    [Fact]
    public void RejectsOtherAxesAndBadEpsilon()
    {
        Assert.Contains("Received: axis=1", Assert.Throws<ArgumentException>(() => new LayerNormalization(axis: 1)).Message);
        Assert.Contains("Received: epsilon=0", Assert.Throws<ArgumentException>(() => new LayerNormalization(epsilon: 0)).Message);
    }

    [Fact]
    public void SavesAndLoads()
    {
        Backend.SetRandomSeed(62);
        var model = new Sequential(new Dense(6, inputShape: (3, 4)), new LayerNormalization(epsilon: 1e-6, center: false));
        using (no_grad()) model.Layers[1].Weights[0].Value.uniform_(0.5, 2);
        using var x = randn(2, 3, 4);
        var loaded = LayerRoundTrip.AssertSamePredictions(model, x);
        Assert.Equal(1e-6, ((LayerNormalization)loaded.Layers[1]).Epsilon);
    }
}
