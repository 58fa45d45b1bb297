using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Recurrent;

/// <summary>Keras's documented shapes: output (batch, units) or (batch, time, units); states each (batch, units).</summary>
public class RecurrentShapeTests
{
    static RecurrentLayer Make(string kind, bool sequences, bool state, bool backwards = false) => kind switch
    {
        "SimpleRNN" => new SimpleRNN(5, returnSequences: sequences, returnState: state, goBackwards: backwards),
        "LSTM" => new LSTM(5, returnSequences: sequences, returnState: state, goBackwards: backwards),
        "GRU" => new GRU(5, returnSequences: sequences, returnState: state, goBackwards: backwards),
        _ => new GRU(5, returnSequences: sequences, returnState: state, goBackwards: backwards, resetAfter: false),
    };

    [Theory]
    [InlineData("SimpleRNN", 1)]
    [InlineData("LSTM", 2)]
    [InlineData("GRU", 1)]
    [InlineData("GRU-v1", 1)]
    public void OutputAndStateShapesForEveryCombination(string kind, int stateCount)
    {
        foreach (bool sequences in new[] { false, true })
            foreach (bool state in new[] { false, true })
            {
                Backend.SetRandomSeed(1);
                var layer = Make(kind, sequences, state);
                var expected = sequences ? new Shape(7, 5) : new Shape(5);
                Assert.Equal(expected, layer.Build((7, 3)));
                using var x = randn(4, 7, 3);
                using var y = layer.Call(x);
                Assert.Equal(new long[] { 4 }.Concat(expected.Select(d => (long)d)), y.shape);
                var r = layer.CallWithState(x);
                Assert.Equal(y.shape, r.Output.shape);
                Assert.Equal(stateCount, r.States.Count);
                Assert.All(r.States, s => Assert.Equal(new long[] { 4, 5 }, s.shape));
                // The last output is the state h (Keras: output == states[0] at the last step).
                using var last = sequences ? r.Output.select(1, -1) : r.Output.alias();
                Assert.True(last.allclose(r.States[0]));
                Assert.Equal(state, layer.ReturnState);
            }
    }

    [Theory]
    [InlineData("SimpleRNN", 3 * 5 + 5 * 5 + 5)]                 // Keras: 45 for units=5, features=3
    [InlineData("LSTM", 4 * (3 * 5 + 5 * 5 + 5))]                // 180
    [InlineData("GRU", 3 * (3 * 5 + 5 * 5 + 2 * 5))]             // reset_after: two biases, 150
    [InlineData("GRU-v1", 3 * (3 * 5 + 5 * 5 + 5))]              // 135
    public void ParameterCountsMatchKeras(string kind, long expected)
    {
        var layer = Make(kind, false, false);
        layer.Build((7, 3));
        Assert.Equal(expected, layer.CountParams());
        Assert.Equal(new[] { "kernel", "recurrent_kernel", "bias" }, layer.Weights.Select(w => w.Name));
    }

    [Fact]
    public void RejectsWrongRanksAndArguments()
    {
        var lstm = new LSTM(4);
        var e = Assert.Throws<ArgumentException>(() => lstm.Build(3));
        Assert.Contains("expected ndim=3, found ndim=2", e.Message);
        Assert.Contains("ndim=3", Assert.Throws<ArgumentException>(() => new LSTM(4).Call(zeros(2, 3))).Message);
        Assert.Contains("Received: units=0", Assert.Throws<ArgumentException>(() => new LSTM(0)).Message);
        Assert.Contains("Received: dropout=1", Assert.Throws<ArgumentException>(() => new GRU(2, dropout: 1)).Message);
        Assert.Contains("recurrentActivation", Assert.Throws<ArgumentException>(() => new LSTM(2, recurrentActivation: "sigmoidd")).Message);
        Assert.Contains("recurrentInitializer", Assert.Throws<ArgumentException>(() => new SimpleRNN(2, recurrentInitializer: "orth")).Message);
        var built = new LSTM(4);
        built.Build((5, 3));
        Assert.Contains("mask", Assert.Throws<ArgumentException>(() => built.Call(zeros(2, 5, 3), ones(2, 4, dtype: ScalarType.Bool), false)).Message);
        var s = Assert.Throws<ArgumentException>(() => built.CallWithState(zeros(2, 5, 3), initialState: new[] { zeros(2, 4) }));
        Assert.Contains("2 tensor(s) of shape (2, 4)", s.Message);
    }
}
