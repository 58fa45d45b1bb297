using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Callbacks;

public class RestoreBestWeightsTests
{
    static (Sequential Model, float[,] X, float[] Y) Setup()
    {
        Backend.SetRandomSeed(5);
        var (x, y) = TestData.TwoMoons(64, 0.1, seed: 2);
        var model = new Sequential(new Dense(8, "relu", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        return (model, x, y);
    }

    [Fact] // as keras/src/callbacks/early_stopping_test.py::test_early_stopping_final_weights_when_restoring_model_weights, without the stop
    public void PutsBackTheBestEpochsWeightsWhenTrainingEnds()
    {
        var (model, x, y) = Setup();
        var script = new ScriptedLogs("score", 3.0, 1.0, 2.0, 2.5, 4.0);
        var best = new RestoreBestWeights(monitor: "score", mode: "min");
        model.Fit(x, y, epochs: 5, batchSize: 16, callbacks: [script, best], verbose: 0);
        Assert.Equal(1, best.BestEpoch);
        Assert.True(best.Restored);
        Assert.False(TestData.SameWeights(script.WeightsAtEpochEnd[1], script.WeightsAtEpochEnd[4]), "training should have moved the weights");
        Assert.True(TestData.SameWeights(script.WeightsAtEpochEnd[1], model.GetWeights()));
    }

    [Fact]
    public void KeepsTheLastWeightsWhenTheLastEpochIsTheBest()
    {
        var (model, x, y) = Setup();
        var script = new ScriptedLogs("accuracy_like", 0.1, 0.5, 0.9);
        var best = new RestoreBestWeights(monitor: "accuracy_like", mode: "max");
        model.Fit(x, y, epochs: 3, batchSize: 16, callbacks: [script, best], verbose: 0);
        Assert.Equal(2, best.BestEpoch);
        Assert.False(best.Restored);
        Assert.True(TestData.SameWeights(script.WeightsAtEpochEnd[2], model.GetWeights()));
    }
}
