using System.IO.Compression;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Saving;
using Deepen.Saving.WeightFiles;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Saving.WeightFiles;

// PyTorch weights written by torch.save(model.state_dict()) and as safetensors (Saving/Fixtures/make_fixtures.py), with
// the network's output computed by PyTorch on NCHW input; Deepen gets the same images channels last.
public class PyTorchWeightFileTests
{
    [Theory]
    [InlineData("torch_cnn.pt")]
    [InlineData("torch_cnn.safetensors")]
    public void StateDictWrittenByPyTorchPredictsWhatPyTorchComputes(string file)
    {
        // Loaded in order: Deepen's default names (conv2d, batch_normalization, dense, dense_1) match nothing in the file.
        var model = Fixtures.TorchCnn();
        Assert.Empty(model.LoadWeights(Fixtures.Path(file)));
        var (x, expected) = Fixtures.InputOutput("torch_cnn.io.json");
        TestData.AssertTensorsClose(expected, model.Predict(x), 1e-5);
    }

    [Fact]
    public void ByNameMatchesModulePathsToLayerNames()
    {
        var model = Fixtures.TorchCnn(torchNames: true);
        model.LoadWeights(Fixtures.Path("torch_cnn.pt"), byName: true);
        var (x, expected) = Fixtures.InputOutput("torch_cnn.io.json");
        TestData.AssertTensorsClose(expected, model.Predict(x), 1e-5);
    }

    [Fact]
    public void SequenceLayersAndAFlattenOverTimeMatchPyTorch()
    {
        // Embedding, LayerNorm (epsilon 1e-5 as PyTorch's), Conv1d over time, and a flatten that PyTorch does channels first.
        var model = new Sequential(
            new Embedding(10, 4, inputLength: 5),
            new LayerNormalization(epsilon: 1e-5),
            new Conv1D(3, 2, activation: "relu"),
            new Flatten(),
            new Dense(2));
        model.LoadWeights(Fixtures.Path("torch_sequence.pt"));
        var (tokens, expected) = Fixtures.InputOutput("torch_sequence.io.json");
        TestData.AssertTensorsClose(expected, model.Predict(tokens.to(ScalarType.Int64)), 1e-5);
    }

    [Fact]
    public void PickleKeyOrderFollowsTheStateDict()
    {
        var keys = new[] { "fc2.bias", "bn.running_var", "conv.weight", "fc1.weight", "bn.weight", "conv.bias", "bn.bias",
                           "bn.running_mean", "bn.num_batches_tracked", "fc1.bias", "fc2.weight" };
        Assert.Equal(new[] { "conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                             "bn.num_batches_tracked", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" },
            PickleKeyOrder.Order(Fixtures.Path("torch_cnn.pt"), keys));
    }

    [Theory]
    [InlineData("cnn.pt")]
    [InlineData("cnn.safetensors")]
    public void SaveWeightsRoundTripsBitExactly(string file)
    {
        using var dir = new TempDir();
        Backend.SetRandomSeed(31);
        var saved = Fixtures.TorchCnn();
        foreach (var w in saved.Layers[1].NonTrainableWeights) w.Assign(rand(3) + 0.5);
        saved.SaveWeights(dir.File(file));
        Backend.SetRandomSeed(32);
        var loaded = Fixtures.TorchCnn();
        loaded.LoadWeights(dir.File(file));
        Assert.True(TestData.SameWeights(saved.GetWeights(), loaded.GetWeights()));
    }

    [Fact]
    public void SavedStateDictHasPyTorchNamesLayoutsAndChannelsFirstFlatten()
    {
        // Deepen's model loaded from PyTorch's file and saved again gives PyTorch's tensors back, key for key.
        using var dir = new TempDir();
        var model = Fixtures.TorchCnn(torchNames: true);
        model.LoadWeights(Fixtures.Path("torch_cnn.pt"));
        model.SaveWeights(dir.File("again.pt"));
        var original = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(Fixtures.Path("torch_cnn.pt"));
        var again = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(dir.File("again.pt"));
        Assert.Equal(original.Keys.Cast<string>().OrderBy(k => k), again.Keys.Cast<string>().OrderBy(k => k));
        foreach (string key in original.Keys)
            if (!key.EndsWith("num_batches_tracked"))
                Assert.True(TestData.BitEqual((Tensor)original[key]!, (Tensor)again[key]!), key);
        using var zip = ZipFile.OpenRead(dir.File("again.pt"));
        Assert.Contains(zip.Entries, e => e.FullName.EndsWith("data.pkl"));
    }

    [Fact]
    public void ShapeMismatchNamesTheLayerTheExpectedAndTheFoundShape()
    {
        var model = Fixtures.TorchCnn(kernel: 5);
        var e = Assert.Throws<ArgumentException>(() => model.LoadWeights(Fixtures.Path("torch_cnn.pt")));
        Assert.Contains("named conv2d", e.Message);
        Assert.Contains("Weight expects shape (3, 2, 5, 5) (PyTorch layout: weight (filters, in, kh, kw))", e.Message);
        Assert.Contains("Received saved weight with shape (3, 2, 3, 3)", e.Message);
    }

    [Fact]
    public void SkipMismatchByNameKeepsTheNewHead()
    {
        Backend.SetRandomSeed(33);
        var model = Fixtures.TorchCnn(torchNames: true, fc2Units: 5);
        var head = Fixtures.Copy(model.Layers[6].Weights);
        var e = Assert.Throws<ArgumentException>(() => model.LoadWeights(Fixtures.Path("torch_cnn.pt"), byName: true));
        Assert.Contains("named fc2", e.Message);
        Assert.Contains("(5, 4)", e.Message);

        var skipped = model.LoadWeights(Fixtures.Path("torch_cnn.pt"), byName: true, skipMismatch: true);
        Assert.Single(skipped);
        Assert.True(TestData.SameWeights(head, Fixtures.Copy(model.Layers[6].Weights)));
        var reference = Fixtures.TorchCnn(torchNames: true);
        reference.LoadWeights(Fixtures.Path("torch_cnn.pt"));
        Assert.True(TestData.SameWeights(Fixtures.Copy(reference.Layers[5].Weights), Fixtures.Copy(model.Layers[5].Weights)));
    }

    [Fact]
    public void ModuleCountMismatchListsBothSides()
    {
        var model = new Sequential(new Conv2D(3, (3, 3), inputShape: (6, 6, 2)), new Flatten(), new Dense(3));
        var e = Assert.Throws<ArgumentException>(() => model.LoadWeights(Fixtures.Path("torch_cnn.pt")));
        Assert.Contains("Model expected 2 layers with weights, found 4 modules", e.Message);
        Assert.Contains("conv, bn, fc1, fc2", e.Message);
    }

    [Fact]
    public void ABatchNormalizationWithoutScaleDoesNotMatchPyTorchsAffineOne()
    {
        var model = new Sequential(
            new Conv2D(3, (3, 3), inputShape: (6, 6, 2)), new BatchNormalization(epsilon: 1e-5, scale: false, center: false),
            new Activation("relu"), new MaxPooling2D((2, 2)), new Flatten(), new Dense(4, "relu"), new Dense(3));
        var e = Assert.Throws<ArgumentException>(() => model.LoadWeights(Fixtures.Path("torch_cnn.pt")));
        Assert.Contains("the layer expects [running_mean, running_var], the file has [weight, bias, running_mean, running_var]", e.Message);
    }

    [Fact]
    public void RecurrentLayersAreNotMappedToPyTorch()
    {
        using var dir = new TempDir();
        var model = new Sequential(new LSTM(2, inputShape: (3, 2)), new Dense(1));
        var e = Assert.Throws<NotSupportedException>(() => model.SaveWeights(dir.File("m.pt")));
        Assert.Contains("\"lstm\" (LSTM)", e.Message);
    }

    [Fact]
    public void ACorruptFileRaisesModelFileException()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("bad.safetensors"), new byte[] { 200, 0, 0, 0, 0, 0, 0, 0, (byte)'{' });
        Assert.Throws<ModelFileException>(() => Fixtures.TorchCnn().LoadWeights(dir.File("bad.safetensors")));
        File.WriteAllBytes(dir.File("bad.pt"), new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 9 });
        Assert.Throws<ModelFileException>(() => Fixtures.TorchCnn().LoadWeights(dir.File("bad.pt")));
    }
}
