using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Models;

// Freezing with Keras's semantics: keras/src/layers/layer_test.py (test_trainable_setting, test_trainable_init),
// keras/src/models/model_test.py and the transfer-learning guide (freeze the base, train the head, unfreeze, fine-tune).
public class TrainableTests
{
    static List<Tensor> Copy(IEnumerable<Weight> weights) => weights.Select(w => w.Value.detach().clone()).ToList();

    static Sequential BaseAndHead()
    {
        return new Sequential(
            new Dense(8, "relu", inputShape: 4, name: "base_dense"),
            new BatchNormalization(name: "base_bn"),
            new Dense(1, name: "head"));
    }

    [Fact]
    public void FrozenLayersStayBitwiseUnchangedByFitWhileTheHeadLearns()
    {
        Backend.SetRandomSeed(11);
        var model = BaseAndHead();
        model.Layers[0].Trainable = false;
        model.Layers[1].Trainable = false;
        var frozen = model.Layers.Take(2).SelectMany(l => l.Weights).ToList();
        var head = model.Layers[2].Weights.ToList();
        var frozenBefore = Copy(frozen);
        var headBefore = Copy(head);
        model.Compile(new Adam(0.05), "mse");
        var (x, y) = TestData.LinearRegression(64, seed: 3);
        var history = model.Fit(x, y, epochs: 5, batchSize: 16, verbose: 0);

        Assert.True(TestData.SameWeights(frozenBefore, Copy(frozen)));            // kernels, gamma/beta and moving statistics
        Assert.False(TestData.SameWeights(headBefore, Copy(head)));
        Assert.True(history["loss"][^1] < history["loss"][0]);
        // Not given to the optimizer, and no gradient is computed for them.
        Assert.All(frozen.Where(w => w.Trainable), w => Assert.False(w.Value.requires_grad));
        Assert.All(head, w => Assert.True(w.Value.requires_grad));
    }

    [Fact]
    public void UnfreezingAfterCompileTakesEffectAtTheNextFit()
    {
        Backend.SetRandomSeed(12);
        var model = BaseAndHead();
        model.Layers[0].Trainable = false;
        model.Compile(new Adam(0.05), "mse");
        var (x, y) = TestData.LinearRegression(32, seed: 4);
        model.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0);
        var before = Copy(model.Layers[0].Weights);

        model.Layers[0].Trainable = true;                      // no recompile: Fit rebinds the optimizer
        model.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0);
        Assert.False(TestData.SameWeights(before, Copy(model.Layers[0].Weights)));
        Assert.All(model.Layers[0].Weights, w => Assert.True(w.Value.requires_grad));
    }

    [Fact]
    public void FrozenBatchNormalizationRunsInInferenceModeDuringFit()
    {
        Backend.SetRandomSeed(13);
        var model = BaseAndHead();
        var bn = (BatchNormalization)model.Layers[1];
        bn.Trainable = false;
        var (x, _) = TestData.LinearRegression(16, seed: 5);
        // Keras: a BatchNormalization with trainable=False normalizes with its moving statistics even with training=True.
        using var inference = model.Call(x, training: false);
        using var training = model.Call(x, training: true);
        Assert.True(TestData.BitEqual(inference, training));
        var moving = Copy(bn.NonTrainableWeights);
        model.Compile("sgd", "mse");
        var (_, y) = TestData.LinearRegression(16, seed: 5);
        model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);
        Assert.True(TestData.SameWeights(moving, Copy(bn.NonTrainableWeights)));

        bn.Trainable = true;                                   // unfrozen: batch statistics again
        using var trainingAgain = model.Call(x, training: true);
        Assert.False(TestData.BitEqual(model.Call(x, training: false), trainingAgain));
    }

    [Fact]
    public void FreezingAModelFreezesItsLayersInsideABiggerModel()
    {
        Backend.SetRandomSeed(14);
        var inputs = new Input(4);
        var h = new Dense(6, "relu", name: "features").Call(inputs);
        var baseModel = new Model(inputs, new BatchNormalization(name: "features_bn").Call(h), name: "base");
        var outputs = new Dense(1, name: "head").Call(baseModel.Outputs[0]);
        var model = new Model(baseModel.Inputs, outputs);

        baseModel.Trainable = false;
        Assert.All(baseModel.Layers.Where(l => l.Weights.Count > 0), l => Assert.False(l.Trainable));
        Assert.Empty(baseModel.TrainableWeights);
        long baseParams = baseModel.CountParams();                  // 4·6 + 6 + 4·6
        Assert.Equal(54, baseParams);
        Assert.Equal(7, model.TrainableWeights.Sum(w => w.Count));   // the head: 6 + 1
        Assert.Equal(baseParams, model.NonTrainableWeights.Sum(w => w.Count));

        var baseBefore = Copy(baseModel.Weights);
        model.Compile(new Adam(0.05), "mse");
        var (x, y) = TestData.LinearRegression(32, seed: 6);
        model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);
        Assert.True(TestData.SameWeights(baseBefore, Copy(baseModel.Weights)));

        baseModel.Trainable = true;                            // fine-tune: everything trains again
        Assert.Equal(model.CountParams() - 12, model.TrainableWeights.Sum(w => w.Count)); // less the moving statistics
    }

    [Fact]
    public void AFrozenModelHasNoTrainableWeightsEvenWhenALayerIsUnfrozen()
    {
        // Keras: model.trainable_weights is [] while model.trainable is False, whatever its layers say.
        var model = BaseAndHead();
        model.Trainable = false;
        model.Layers[2].Trainable = true;
        Assert.Empty(model.TrainableWeights);
        Assert.Equal(model.CountParams(), model.NonTrainableWeights.Sum(w => w.Count));
        Assert.Contains("Trainable params: 0 (0.00 B)", model.Summary(TextWriter.Null));
    }

    [Fact]
    public void FitWithEveryWeightFrozenChangesNothingAndStillReportsTheLoss()
    {
        Backend.SetRandomSeed(15);
        var model = BaseAndHead();
        model.Trainable = false;
        var before = Copy(model.Weights);
        model.Compile("adam", "mse");
        var (x, y) = TestData.LinearRegression(16, seed: 7);
        var history = model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);
        Assert.True(TestData.SameWeights(before, Copy(model.Weights)));
        Assert.Equal(history["loss"][0], history["loss"][1], 5);
    }

    [Fact]
    public void SummaryCountsFrozenWeightsAsNonTrainable()
    {
        var model = BaseAndHead();
        // base_dense 4·8 + 8 = 40, base_bn 4·8 = 32 (16 of them moving statistics), head 8 + 1 = 9.
        Assert.Contains("Trainable params: 65 (260.00 B)", model.Summary(TextWriter.Null));
        Assert.Contains("Non-trainable params: 16 (64.00 B)", model.Summary(TextWriter.Null));
        model.Layers[0].Trainable = false;
        model.Layers[1].Trainable = false;
        string text = model.Summary(TextWriter.Null);
        Assert.Contains("Total params: 81 (324.00 B)", text);
        Assert.Contains("Trainable params: 9 (36.00 B)", text);
        Assert.Contains("Non-trainable params: 72 (288.00 B)", text);
    }

    [Fact]
    public void FreezingAWrapperFreezesItsInnerLayersAndAnInnerLayerCanBeFrozenAlone()
    {
        var bidirectional = new Bidirectional(new LSTM(3), inputShape: (5, 2));
        bidirectional.Build(new Shape(5, 2));
        int perDirection = bidirectional.Forward.Weights.Count;
        Assert.Equal(2 * perDirection, bidirectional.TrainableWeights.Count());

        bidirectional.Forward.Trainable = false;                // only one direction
        Assert.Equal(bidirectional.Backward.Weights, bidirectional.TrainableWeights);
        Assert.Equal(bidirectional.Forward.Weights, bidirectional.NonTrainableWeights);

        bidirectional.Trainable = false;
        Assert.False(bidirectional.Backward.Trainable);
        Assert.Empty(bidirectional.TrainableWeights);
        bidirectional.Trainable = true;                         // Keras: setting it sets every inner layer
        Assert.True(bidirectional.Forward.Trainable);
        Assert.Equal(2 * perDirection, bidirectional.TrainableWeights.Count());
    }

    [Fact]
    public void AWrapperFrozenBeforeItIsBuiltFreezesItsInnerBatchNormalization()
    {
        var wrapper = new TimeDistributed(new BatchNormalization()) { Trainable = false };
        wrapper.Build(new Shape(3, 2));
        Assert.False(wrapper.Layer.Trainable);
        using var x = arange(12, dtype: ScalarType.Float32).reshape(2, 3, 2);
        // Inference mode: moving mean 0 and variance 1, so y = x / sqrt(1 + 0.001) even in training.
        TestData.AssertTensorsClose(x / Math.Sqrt(1 + 1e-3), wrapper.Call(x, training: true), 1e-6);
    }
}
