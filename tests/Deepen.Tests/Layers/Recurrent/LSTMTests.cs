using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Recurrent;

public class LSTMTests
{
    static double[][] Steps(float[] flat, int steps, int features) =>
        Enumerable.Range(0, steps).Select(t => Enumerable.Range(0, features).Select(f => (double)flat[t * features + f]).ToArray()).ToArray();

    [Fact]
    public void MatchesKerasEquationsWithGatesInOrderIFCO()
    {
        Backend.SetRandomSeed(11);
        var lstm = new LSTM(3, returnState: true);
        lstm.Build((4, 2));
        using (no_grad()) lstm.Bias!.Value.uniform_(-0.5, 0.5);          // exercise every bias slot
        using var x = randn(1, 4, 2);
        var r = lstm.CallWithState(x);
        var (h, c) = RecurrentReference.Lstm(Steps(TestData.Values(x), 4, 2), TestData.Values(lstm.Kernel.Value),
            TestData.Values(lstm.RecurrentKernel.Value), TestData.Values(lstm.Bias!.Value), 3);
        TestData.AssertClose(h.Select(v => (float)v).ToArray(), TestData.Values(r.States[0]), 1e-5);
        TestData.AssertClose(c.Select(v => (float)v).ToArray(), TestData.Values(r.States[1]), 1e-5);
        TestData.AssertClose(h.Select(v => (float)v).ToArray(), TestData.Values(r.Output), 1e-5);
    }

    [Fact]
    public void InitializesLikeKeras()
    {
        Backend.SetRandomSeed(12);
        var lstm = new LSTM(6);
        lstm.Build((3, 4));
        Assert.Equal(new long[] { 24, 4 }, lstm.Kernel.Shape);
        Assert.Equal(new long[] { 24, 6 }, lstm.RecurrentKernel.Shape);
        // Unit forget bias: [0 (i), 1 (f), 0 (c), 0 (o)] per unit block.
        var b = TestData.Values(lstm.Bias!.Value);
        Assert.Equal(Enumerable.Repeat(0f, 6).Concat(Enumerable.Repeat(1f, 6)).Concat(Enumerable.Repeat(0f, 12)), b);
        // Orthogonal recurrent kernel: R^T R = I.
        using var gram = lstm.RecurrentKernel.Value.t().matmul(lstm.RecurrentKernel.Value);
        Assert.True(gram.allclose(eye(6), atol: 1e-5));
        var plain = new LSTM(6, unitForgetBias: false);
        plain.Build((3, 4));
        Assert.All(TestData.Values(plain.Bias!.Value), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        Backend.SetRandomSeed(13);
        var lstm = new LSTM(2);
        lstm.Build((3, 2));
        using var x = randn(2, 3, 2);
        RecurrentGradients.AssertMatchFiniteDifferences(lstm, x);
    }

    [Fact]
    public void InitialStateIsUsed()
    {
        Backend.SetRandomSeed(14);
        var lstm = new LSTM(3);
        using var x = randn(2, 4, 2);
        using var zero = lstm.CallWithState(x, initialState: new[] { zeros(2, 3), zeros(2, 3) }).Output;
        using var plain = lstm.Call(x);
        TestData.AssertTensorsClose(plain, zero, 0);
        using var other = lstm.CallWithState(x, initialState: new[] { ones(2, 3), ones(2, 3) }).Output;
        Assert.False(other.allclose(plain));
    }

    [Fact]
    public void DropoutOnlyActsInTraining()
    {
        Backend.SetRandomSeed(15);
        var lstm = new LSTM(8, dropout: 0.5, recurrentDropout: 0.5);
        using var x = randn(4, 5, 6);
        using var a = lstm.Call(x);
        using var b = lstm.Call(x);
        TestData.AssertTensorsClose(a, b, 0);
        using var t = lstm.Call(x, training: true);
        Assert.False(t.allclose(a));
    }

    [Fact]
    public void SavesAndLoadsInsideAModel()
    {
        Backend.SetRandomSeed(16);
        var model = new Sequential(
            new Embedding(20, 6, maskZero: true, inputShape: 7),
            new LSTM(5, returnSequences: true, goBackwards: true, unitForgetBias: false, dropout: 0.1),
            new LSTM(4, recurrentActivation: "tanh"),
            new Dense(1, "sigmoid"));
        using var x = tensor(new long[] { 1, 5, 9, 0, 0, 0, 0, 19, 3, 4, 2, 8, 6, 1 }, new long[] { 2, 7 });
        var loaded = LayerRoundTrip.AssertSamePredictions(model, x);
        var l = (LSTM)loaded.Layers[1];
        Assert.True(l.GoBackwards && l.ReturnSequences && !l.UnitForgetBias);
        Assert.Equal(0.1, l.Dropout);
    }
}
