using Deepen.Layers;
using Deepen.MixedPrecision;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.MixedPrecision;

/// <summary>The mixed_bfloat16 policy: bf16 arithmetic, float32 weights, convergence like float32, saving.</summary>
public class DTypePolicyTests
{
    static Sequential Moons(int seed)
    {
        Backend.SetRandomSeed(seed);
        return new Sequential(new Dense(32, "relu", inputShape: 2), new Dense(32, "relu"), new Dense(1, "sigmoid"));
    }

    [Fact]
    public void MlpTrainedInBFloat16ReachesTheSameAccuracyBandAsFloat32()
    {
        var (xTrain, yTrain) = TestData.TwoMoons(400, noise: 0.1, seed: 10);
        var (xTest, yTest) = TestData.TwoMoons(200, noise: 0.1, seed: 11);
        var accuracies = new Dictionary<string, double>();
        foreach (var policy in new[] { "float32", "mixed_bfloat16" })
        {
            var model = Moons(2);
            model.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"], dtypePolicy: policy);
            var history = model.Fit(xTrain, yTrain, epochs: 40, batchSize: 32, verbose: 0);
            Assert.True(history["loss"][^1] < 0.5 * history["loss"][0], $"{policy}: loss {history["loss"][0]} → {history["loss"][^1]}");
            accuracies[policy] = model.Evaluate(xTest, yTest, verbose: 0)["accuracy"];
        }
        Assert.True(accuracies["float32"] >= 0.95, $"float32 accuracy {accuracies["float32"]}");
        Assert.True(accuracies["mixed_bfloat16"] >= 0.95, $"bf16 accuracy {accuracies["mixed_bfloat16"]}");
        Assert.True(Math.Abs(accuracies["float32"] - accuracies["mixed_bfloat16"]) <= 0.03,
            $"float32 {accuracies["float32"]} vs bf16 {accuracies["mixed_bfloat16"]}");
    }

    [Fact]
    public void SmallCnnLearnsUnderTheMixedPolicyAsInFloat32()
    {
        var (xTrain, yTrain) = TestData.Bars(400, seed: 20);
        var (xTest, yTest) = TestData.Bars(200, seed: 21);
        foreach (var policy in new[] { DTypePolicy.Float32, DTypePolicy.MixedBFloat16 })
        {
            Backend.SetRandomSeed(3);
            var model = new Sequential(
                new Conv2D(8, (3, 3), activation: "relu", inputShape: (16, 16, 1)), new MaxPooling2D(2, 2),
                new BatchNormalization(),
                new Conv2D(16, (3, 3), activation: "relu"), new MaxPooling2D((2, 2)),
                new Flatten(), new Dense(16, "relu"), new Dense(1, "sigmoid"));
            model.Compile(new Adam(0.005), "binary_crossentropy", ["accuracy"], dtypePolicy: policy);
            model.Fit(xTrain, yTrain, epochs: 8, batchSize: 32, verbose: 0);
            double accuracy = model.Evaluate(xTest, yTest, verbose: 0)["accuracy"];
            Assert.True(accuracy > 0.95, $"{policy} CNN test accuracy {accuracy}");
            Assert.All(model.Weights, w => Assert.Equal(ScalarType.Float32, w.Value.dtype));
        }
    }

    [Fact]
    public void ForwardPassComputesInBFloat16AndReturnsFloat32()
    {
        var model = Moons(4);
        model.Build(2);
        using var x = randn(64, 2);
        using var exact = model.Call(x);
        model.DTypePolicy = "mixed_bfloat16";
        using var mixed = model.Call(x);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        double diff = (mixed - exact).abs().max().item<float>();
        // bf16 keeps 8 significant bits: the outputs differ (proof that bf16 ran) but only at that precision.
        Assert.True(diff > 0 && diff < 0.05, $"max difference {diff}");
    }

    [Fact]
    public void GradientsReachTheFloat32MasterWeights()
    {
        var model = Moons(5);
        model.Compile(new SGD(0.1), "binary_crossentropy", dtypePolicy: "mixed_bfloat16");
        var (x, y) = TestData.TwoMoons(64, noise: 0.1, seed: 12);
        model.Build(2);
        var before = model.GetWeights();
        model.Fit(x, y, epochs: 1, batchSize: 64, verbose: 0);
        var after = model.GetWeights();
        for (int i = 0; i < before.Count; i++)
        {
            Assert.Equal(ScalarType.Float32, after[i].dtype);
            Assert.True((after[i] - before[i]).abs().max().item<float>() > 0, $"weight {i} did not change");
        }
    }

    [Fact]
    public void SavedWeightsStayFloat32AndThePolicyRoundTrips()
    {
        using var dir = new TempDir();
        var model = Moons(6);
        model.Compile("adam", "binary_crossentropy", dtypePolicy: "mixed_bfloat16");
        var (x, y) = TestData.TwoMoons(64, noise: 0.1, seed: 13);
        model.Fit(x, y, epochs: 2, batchSize: 32, verbose: 0);
        string path = Path.Combine(dir.Path, "m.deepen");
        model.Save(path);

        var loaded = Model.Load(path);
        Assert.Equal(DTypePolicy.MixedBFloat16, loaded.DTypePolicy);
        Assert.All(loaded.Weights, w => Assert.Equal(ScalarType.Float32, w.Value.dtype));
        var expected = model.GetWeights();
        var actual = loaded.GetWeights();
        for (int i = 0; i < expected.Count; i++) Assert.True(expected[i].allclose(actual[i], rtol: 0, atol: 0), $"weight {i} changed in the round trip");
        using var xt = tensor(new float[] { 0.5f, 0.25f, -1, 0.5f }, new long[] { 2, 2 });
        Assert.True(model.Call(xt).allclose(loaded.Call(xt), rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData("mixed_float16")]
    [InlineData("float64")]
    [InlineData("bf17")]
    public void UnknownPoliciesAreRejectedWithTheValueAndTheChoices(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => DTypePolicy.Get(name));
        Assert.Contains("dtypePolicy", e.Message);
        Assert.Contains(name, e.Message);
        Assert.Contains("mixed_bfloat16", e.Message);
    }

    [Fact]
    public void TheGlobalPolicyIsTheDefaultOfNewModels()
    {
        var previous = DTypePolicy.Global;
        try
        {
            DTypePolicy.Global = DTypePolicy.MixedBFloat16;
            Assert.Equal(DTypePolicy.MixedBFloat16, Moons(7).DTypePolicy);
        }
        finally { DTypePolicy.Global = previous; }
        Assert.Equal(DTypePolicy.Float32, Moons(8).DTypePolicy);
    }

    [Fact]
    public void AMultiOutputFunctionalModelTrainsUnderTheMixedPolicy()
    {
        Backend.SetRandomSeed(9);
        var (x, y) = TestData.TwoMoons(256, noise: 0.1, seed: 14);
        using var xs = tensor(x);
        using var labels = tensor(y).view(-1, 1);
        using var targets = xs.sum(1, keepdim: true);                  // second output: regress x0 + x1
        var input = new Input(2);
        var h = new Dense(32, "relu").Call(input);
        var cls = new Dense(1, "sigmoid", name: "cls").Call(h);
        var reg = new Dense(1, name: "reg").Call(h);
        var model = new Model(input, new[] { cls, reg });
        model.Compile(new Adam(0.01), new LossSpec[] { "binary_crossentropy", "mse" });
        model.DTypePolicy = DTypePolicy.MixedBFloat16;
        var history = model.Fit(new[] { xs }, new[] { labels, targets }, epochs: 30, batchSize: 32, verbose: 0);
        Assert.True(history["cls_loss"][^1] < 0.5 * history["cls_loss"][0], $"cls_loss {history["cls_loss"][0]} → {history["cls_loss"][^1]}");
        Assert.True(history["reg_loss"][^1] < 0.2 * history["reg_loss"][0], $"reg_loss {history["reg_loss"][0]} → {history["reg_loss"][^1]}");
        Assert.All(model.Weights, w => Assert.Equal(ScalarType.Float32, w.Value.dtype));
    }
}
