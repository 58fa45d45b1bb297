using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Recurrent;

public class GRUTests
{
    static double[][] Steps(float[] flat, int steps, int features) =>
        Enumerable.Range(0, steps).Select(t => Enumerable.Range(0, features).Select(f => (double)flat[t * features + f]).ToArray()).ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MatchesKerasEquations(bool resetAfter)
    {
        Backend.SetRandomSeed(31);
        var gru = new GRU(3, resetAfter: resetAfter);
        gru.Build((4, 2));
        Assert.Equal(resetAfter ? new long[] { 2, 9 } : new long[] { 9 }, gru.Bias!.Shape);
        using (no_grad()) gru.Bias.Value.uniform_(-0.5, 0.5);
        using var x = randn(1, 4, 2);
        using var y = gru.Call(x);
        var h = RecurrentReference.Gru(Steps(TestData.Values(x), 4, 2), TestData.Values(gru.Kernel.Value),
            TestData.Values(gru.RecurrentKernel.Value), TestData.Values(gru.Bias.Value), 3, resetAfter);
        TestData.AssertClose(h.Select(v => (float)v).ToArray(), TestData.Values(y), 1e-5);
    }

    [Fact]
    public void SimpleRnnMatchesKerasEquations()
    {
        Backend.SetRandomSeed(32);
        var rnn = new SimpleRNN(4);
        rnn.Build((5, 3));
        using (no_grad()) rnn.Bias!.Value.uniform_(-0.5, 0.5);
        using var x = randn(1, 5, 3);
        using var y = rnn.Call(x);
        var h = RecurrentReference.Simple(Steps(TestData.Values(x), 5, 3), TestData.Values(rnn.Kernel.Value),
            TestData.Values(rnn.RecurrentKernel.Value), TestData.Values(rnn.Bias.Value), 4);
        TestData.AssertClose(h.Select(v => (float)v).ToArray(), TestData.Values(y), 1e-5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GradientsMatchFiniteDifferences(bool resetAfter)
    {
        Backend.SetRandomSeed(33);
        var gru = new GRU(2, resetAfter: resetAfter);
        gru.Build((3, 2));
        using (no_grad()) gru.Bias!.Value.uniform_(-0.5, 0.5);
        using var x = randn(2, 3, 2);
        RecurrentGradients.AssertMatchFiniteDifferences(gru, x);
    }

    [Fact]
    public void SimpleRnnGradientsMatchFiniteDifferences()
    {
        Backend.SetRandomSeed(34);
        var rnn = new SimpleRNN(2, returnSequences: true);
        rnn.Build((3, 2));
        using var x = randn(2, 3, 2);
        RecurrentGradients.AssertMatchFiniteDifferences(rnn, x);
    }
}
