using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Recurrent;

/// <summary>Keras's masking: masked steps keep the states and repeat the previous output.</summary>
public class RecurrentMaskingTests
{
    public static TheoryData<string> Kinds => new() { "SimpleRNN", "LSTM", "GRU" };

    static RecurrentLayer Make(string kind, bool sequences = false, bool backwards = false) => kind switch
    {
        "SimpleRNN" => new SimpleRNN(4, returnSequences: sequences, goBackwards: backwards),
        "LSTM" => new LSTM(4, returnSequences: sequences, goBackwards: backwards),
        _ => new GRU(4, returnSequences: sequences, goBackwards: backwards),
    };

    static Sequential Model(string kind, int steps)
    {
        Backend.SetRandomSeed(41);
        return new Sequential(new Embedding(10, 3, maskZero: true, inputShape: steps), Make(kind));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PaddingDoesNotChangeTheFinalOutput(string kind)
    {
        // [x, pad, pad] and [pad, x, pad] give the same output as [x] alone; the weights are the same (same seed).
        var short_ = Model(kind, 2);
        var padded = Model(kind, 5);
        padded.SetWeights(short_.GetWeights());
        using var xs = tensor(new long[] { 4, 7, 9, 1 }, new long[] { 2, 2 });
        using var post = tensor(new long[] { 4, 7, 0, 0, 0, 9, 1, 0, 0, 0 }, new long[] { 2, 5 });
        using var mixed = tensor(new long[] { 0, 4, 0, 7, 0, 0, 0, 9, 1, 0 }, new long[] { 2, 5 });
        using var expected = short_.Predict(xs);
        TestData.AssertTensorsClose(expected, padded.Predict(post), 1e-6);
        TestData.AssertTensorsClose(expected, padded.Predict(mixed), 1e-6);
        using var unmasked = new Sequential(new Embedding(10, 3, inputShape: 5), Make(kind));
        unmasked.SetWeights(short_.GetWeights());
        Assert.False(expected.allclose(unmasked.Predict(post), atol: 1e-4), "without maskZero the padding must matter");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MaskedStepsRepeatThePreviousOutputAndKeepTheState(string kind)
    {
        Backend.SetRandomSeed(42);
        var layer = Make(kind, sequences: true);
        using var x = randn(1, 4, 3);
        using var mask = tensor(new[] { false, true, false, true }, new long[] { 1, 4 });
        var r = layer.CallWithState(x, mask);
        var y = r.Output;
        Assert.Equal(new float[4], TestData.Values(y.select(1, 0)));                     // nothing real yet: zeros
        TestData.AssertTensorsClose(y.select(1, 1), y.select(1, 2), 0);                    // repeated
        using var realOnly = layer.Call(x.index_select(1, tensor(new long[] { 1, 3 })));
        TestData.AssertTensorsClose(realOnly.select(1, 0), y.select(1, 1), 1e-6);
        TestData.AssertTensorsClose(realOnly.select(1, 1), y.select(1, 3), 1e-6);
        Assert.Equal(new long[] { 1, 4 }, layer.ComputeMask(x, mask)!.shape);             // returnSequences keeps the mask
        Assert.Null(Make(kind).ComputeMask(x, mask));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GoBackwardsEqualsForwardOnTheReversedSequence(string kind)
    {
        Backend.SetRandomSeed(43);
        var backward = Make(kind, sequences: true, backwards: true);
        var forward = Make(kind, sequences: true);
        backward.Build((5, 3));
        forward.Build((5, 3));
        for (int i = 0; i < forward.Weights.Count; i++) forward.Weights[i].Assign(backward.Weights[i].Value);
        using var x = randn(2, 5, 3);
        using var a = backward.Call(x);
        using var b = forward.Call(x.flip(1));
        TestData.AssertTensorsClose(b, a, 1e-6);       // Keras returns the outputs in processing (reversed) order
    }
}
