using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Recurrent;

/// <summary>Keras's test_statefulness in keras/src/layers/rnn/lstm_test.py, gru_test.py and simple_rnn_test.py.</summary>
public class StatefulTests
{
    /// <summary>Keras's Constant(0.01) kernel, Constant(0.02) recurrent kernel, Constant(0.03) bias (LSTM: forget bias 1).</summary>
    static void Constants(RecurrentLayer layer)
    {
        layer.Build((3, 4));
        layer.Kernel.AssignKeras(full(layer.Kernel.KerasShape, 0.01f));
        layer.RecurrentKernel.AssignKeras(full(layer.RecurrentKernel.KerasShape, 0.02f));
        var bias = full(layer.Bias!.KerasShape, 0.03f);
        if (layer is LSTM) bias.narrow(0, 4, 4).fill_(1.0);              // Keras: unit_forget_bias concatenates ones
        layer.Bias.AssignKeras(bias);
    }

    public static TheoryData<string, float, float> Cases => new()
    {
        { "lstm", 0.3124785f, 0.6863672f },
        { "gru", 0.29542392f, 0.5885018f },
        { "simple_rnn", 0.40559256f, 0.7361247f },
    };

    [Theory, MemberData(nameof(Cases))]
    public void SecondCallContinuesFromTheFirstsStates(string kind, float first, float second)
    {
        RecurrentLayer layer = kind switch
        {
            "lstm" => new LSTM(4, stateful: true),
            "gru" => new GRU(4, stateful: true),
            _ => new SimpleRNN(4, stateful: true),
        };
        Constants(layer);
        using var sequence = arange(24, ScalarType.Float32).reshape(2, 3, 4);
        for (int round = 0; round < 2; round++)                         // reset_state gives the same numbers again
        {
            layer.Call(sequence).Dispose();
            using var output = layer.Call(sequence);
            var expected = tensor(new[,] { { first, first, first, first }, { second, second, second, second } });
            Assert.True(output.allclose(expected, rtol: 1e-5, atol: 1e-5), output.ToString(TorchSharp.TensorStringStyle.Numpy));
            layer.ResetStates();
        }
    }

    [Fact]
    public void TwoHalvesEqualTheWholeSequence()
    {
        Backend.SetRandomSeed(5);
        var stateful = new LSTM(3, stateful: true);
        var plain = new LSTM(3);
        stateful.Build((4, 2));
        plain.Build((4, 2));
        plain.SetWeights(stateful.GetWeights());
        using var x = randn(2, 8, 2);
        stateful.Call(x.narrow(1, 0, 4)).Dispose();
        using var halves = stateful.Call(x.narrow(1, 4, 4));
        using var whole = plain.Call(x);
        Assert.True(halves.allclose(whole, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void AnotherBatchSizeNamesBothSizes()
    {
        var layer = new GRU(2, stateful: true);
        layer.Call(zeros(4, 3, 2)).Dispose();
        var e = Assert.Throws<ArgumentException>(() => layer.Call(zeros(3, 3, 2)));
        Assert.Contains("a batch of 4 sequences, but it received a batch of 3", e.Message);
        layer.ResetStates();
        layer.Call(zeros(3, 3, 2)).Dispose();                         // after a reset any batch size starts over
    }

    [Fact]
    public void FitRefusesToShuffleAStatefulModelAndCarriesStatesWithout()
    {
        var model = new Sequential(new SimpleRNN(2, stateful: true, inputShape: (3, 1)), new Dense(1));
        model.Compile("sgd", "mse");
        using var x = randn(8, 3, 1);
        using var y = randn(8, 1);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, batchSize: 4, verbose: 0));
        Assert.Contains("Expected shuffle: false", e.Message);
        model.Fit(x, y, batchSize: 4, shuffle: false, verbose: 0);
        Assert.NotNull(((SimpleRNN)model.Layers[0]).States);
        Assert.True(new LSTM(2, stateful: true).GetConfig().GetBool("stateful"));
    }
}
