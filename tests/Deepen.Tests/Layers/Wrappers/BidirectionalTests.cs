using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Wrappers;

public class BidirectionalTests
{
    [Theory]
    [InlineData("concat", false)]
    [InlineData("concat", true)]
    [InlineData("sum", true)]
    [InlineData("mul", false)]
    [InlineData("ave", true)]
    public void MergesTheForwardOutputWithTheBackwardOutputInTimeOrder(string mode, bool sequences)
    {
        Backend.SetRandomSeed(101);
        var bi = new Bidirectional(new GRU(3, returnSequences: sequences), mode);
        var shape = bi.Build((5, 2));
        int features = mode == "concat" ? 6 : 3;
        Assert.Equal(sequences ? new Shape(5, features) : new Shape(features), shape);
        Assert.True(bi.Backward.GoBackwards && !bi.Forward.GoBackwards);
        Assert.Equal(2 * bi.Forward.CountParams(), bi.CountParams());
        using var x = randn(2, 5, 2);
        using var y = bi.Call(x);
        using var f = bi.Forward.Call(x);
        using var bRaw = bi.Backward.Call(x);
        var b = sequences ? bRaw.flip(1) : bRaw;
        using var expected = mode switch
        {
            "concat" => cat(new[] { f, b }, -1),
            "sum" => f + b,
            "mul" => f * b,
            _ => (f + b) / 2,
        };
        TestData.AssertTensorsClose(expected, y, 1e-6);
        // The backward direction at time t has seen steps t..end: its last-step output equals a GRU on x[t..] reversed.
        if (sequences)
        {
            using var tail = bi.Backward.Call(x.narrow(1, 3, 2));
            TestData.AssertTensorsClose(tail.select(1, 1), b.select(1, 3), 1e-6);
        }
    }

    [Fact]
    public void PaddingDoesNotChangeTheOutputAndMaskedStepsAreZero()
    {
        Backend.SetRandomSeed(102);
        Sequential Make(int steps, bool sequences) =>
            new(new Embedding(8, 3, maskZero: true, inputShape: steps), new Bidirectional(new LSTM(4, returnSequences: sequences)));
        var shortModel = Make(2, false);
        var padded = Make(4, false);
        padded.SetWeights(shortModel.GetWeights());
        using var a = shortModel.Predict(tensor(new long[] { 3, 6, 1, 2 }, new long[] { 2, 2 }));
        using var b = padded.Predict(tensor(new long[] { 3, 6, 0, 0, 1, 2, 0, 0 }, new long[] { 2, 4 }));
        TestData.AssertTensorsClose(a, b, 1e-6);

        var seq = Make(4, true);
        seq.SetWeights(shortModel.GetWeights());
        using var s = seq.Predict(tensor(new long[] { 3, 6, 0, 0 }, new long[] { 1, 4 }));
        Assert.Equal(new float[16], TestData.Values(s.narrow(1, 2, 2)));                 // Keras: zeros at masked steps
        var shortSeq = Make(2, true);
        shortSeq.SetWeights(shortModel.GetWeights());
        using var s2 = shortSeq.Predict(tensor(new long[] { 3, 6 }, new long[] { 1, 2 }));
        TestData.AssertTensorsClose(s2, s.narrow(1, 0, 2), 1e-6);
    }

    [Fact]
    public void ReturnsTheStatesOfBothDirections()
    {
        Backend.SetRandomSeed(103);
        var bi = new Bidirectional(new LSTM(3, returnState: true));
        var r = bi.CallWithState(randn(2, 4, 5));
        Assert.Equal(new long[] { 2, 6 }, r.Output.shape);
        Assert.Equal(4, r.States.Count);                                                   // forward h, c; backward h, c
        TestData.AssertTensorsClose(r.Output.narrow(1, 0, 3), r.States[0], 0);
        TestData.AssertTensorsClose(r.Output.narrow(1, 3, 3), r.States[2], 0);
    }

    [Fact]
    public void SavesAndLoads()
    {
        Backend.SetRandomSeed(104);
        var model = new Sequential(new Embedding(10, 4, maskZero: true, inputShape: 6),
            new Bidirectional(new LSTM(3, returnSequences: true), "sum"), new Bidirectional(new SimpleRNN(2, goBackwards: true)), new Dense(1));
        Assert.Contains(model.Layers[1].Weights, w => w.Name == "backward/recurrent_kernel");
        using var x = tensor(new long[] { 1, 2, 3, 0, 0, 0, 9, 8, 7, 6, 5, 4 }, new long[] { 2, 6 });
        var loaded = LayerRoundTrip.AssertSamePredictions(model, x);
        var bi = (Bidirectional)loaded.Layers[2];
        Assert.True(bi.Forward.GoBackwards && !bi.Backward.GoBackwards);
        Assert.Equal("sum", ((Bidirectional)loaded.Layers[1]).MergeMode);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Contains("Received: mergeMode=\"max\"", Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(2), "max")).Message);
        var built = new LSTM(2);
        built.Build((3, 2));
        Assert.Contains("unbuilt", Assert.Throws<ArgumentException>(() => new Bidirectional(built)).Message);
        Assert.Contains("expected ndim=3", Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(2)).Build(4)).Message);
    }
}
