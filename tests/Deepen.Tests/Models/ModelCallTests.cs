using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Models;

// A model applied to a symbolic tensor, the step of Keras's transfer-learning guide
// (keras-io guides/transfer_learning.py: `x = base_model(x, training=False)` between preprocessing and a new head).
public class ModelCallTests
{
    static Model FunctionalBase()
    {
        var inputs = new Input(4);
        var h = new Dense(6, "relu", name: "base_dense").Call(inputs);
        var features = new BatchNormalization(name: "base_bn").Call(h);
        return new Model(inputs, new Add(name: "base_add").Call(features, new Dense(6, name: "base_skip").Call(inputs)), name: "base");
    }

    [Fact]
    public void AFrozenBaseInsideANewModelComputesTheSameAndStaysUnchangedByFit()
    {
        Backend.SetRandomSeed(41);
        var baseModel = FunctionalBase();
        baseModel.Trainable = false;
        var inputs = new Input(4);
        var scaled = new Rescaling(0.5).Call(inputs);
        var outputs = new Dense(1, name: "head").Call(baseModel.Call(scaled));
        var model = new Model(inputs, outputs);

        var (x, y) = TestData.LinearRegression(32, seed: 9);
        var head = (Dense)model.Layers.Single(l => l.Name == "head");
        using (no_grad())
        {
            using var features = baseModel.Predict(x * 0.5);
            using var expected = nn.functional.linear(features, head.Kernel.Value, head.Bias!.Value);
            TestData.AssertTensorsClose(expected, model.Predict(x), 1e-6);
        }
        Assert.Equal(7, model.TrainableWeights.Sum(w => w.Count));
        var before = baseModel.GetWeights();
        var headBefore = Copy(head);
        model.Compile(new Adam(0.05), "mse");
        model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);
        Assert.True(TestData.SameWeights(before, baseModel.GetWeights()));
        Assert.False(TestData.SameWeights(headBefore, Copy(head)));
    }

    static List<Tensor> Copy(Layer layer) => layer.Weights.Select(w => w.Value.detach().clone()).ToList();

    [Fact]
    public void ASequentialBaseIsAppliedLayerByLayerAndTheModelRoundTrips()
    {
        Backend.SetRandomSeed(42);
        var baseModel = new Sequential(new Dense(5, "relu", inputShape: 3), new Dense(4, "tanh"));
        baseModel.Layers[0].Trainable = false;
        var inputs = new Input(3);
        var model = new Model(inputs, new Dense(2, "softmax").Call(baseModel.Call(inputs)));
        Assert.Equal(new[] { "dense", "dense_1", "dense_2" }, model.Layers.Where(l => l is not Input).Select(l => l.Name));

        using var x = rand(6, 3);
        using var dir = new TempDir();
        model.Save(dir.File("m.deepen"));
        using var loaded = Model.Load(dir.File("m.deepen"));
        Assert.True(TestData.BitEqual(model.Predict(x), loaded.Predict(x)));
        Assert.False(loaded.Layers.Single(l => l.Name == "dense").Trainable);
        Assert.Equal(model.TrainableWeights.Sum(w => w.Count), loaded.TrainableWeights.Sum(w => w.Count));
    }

    [Fact]
    public void AWrongInputShapeNamesTheModelAndBothShapes()
    {
        var baseModel = FunctionalBase();
        var e = Assert.Throws<ArgumentException>(() => baseModel.Call(new Input(5)));
        Assert.Contains("model \"base\"", e.Message);
        Assert.Contains("expected shape=(None, 4), found shape=(None, 5)", e.Message);
    }
}
