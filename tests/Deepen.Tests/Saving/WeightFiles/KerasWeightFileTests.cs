using System.IO.Compression;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Saving;
using Deepen.Tests.Helpers;
using PureHDF;
using static TorchSharp.torch;

namespace Deepen.Tests.Saving.WeightFiles;

// Keras weight files written by h5py in Keras's layouts (Saving/Fixtures/make_fixtures.py), and Deepen's own.
// Semantics from keras/src/saving/saving_lib.py (.weights.h5: layers/<class>_<n>/vars/<i>, loaded in order) and
// keras/src/legacy/saving/legacy_h5_format.py (.h5: layer_names/weight_names, by order or by name, skip_mismatch).
public class KerasWeightFileTests
{
    [Fact]
    public void KerasWeightsH5WrittenByH5pyPredictsWhatKerasComputes()
    {
        var model = Fixtures.KerasCnn();
        Assert.Empty(model.LoadWeights(Fixtures.Path("keras_cnn.weights.h5")));
        var (x, expected) = Fixtures.InputOutput("keras_cnn.io.json");
        TestData.AssertTensorsClose(expected, model.Predict(x), 1e-5);
    }

    [Fact]
    public void KerasLegacyH5WrittenByH5pyPredictsWhatKerasComputes()
    {
        var model = Fixtures.KerasCnn();
        model.LoadWeights(Fixtures.Path("keras_cnn.h5"));
        var (x, expected) = Fixtures.InputOutput("keras_cnn.io.json");
        TestData.AssertTensorsClose(expected, model.Predict(x), 1e-5);
    }

    [Fact]
    public void KerasArchiveWeightsAreRead()
    {
        using var dir = new TempDir();
        string archive = dir.File("cnn.keras");
        using (var zip = ZipFile.Open(archive, ZipArchiveMode.Create))
            zip.CreateEntryFromFile(Fixtures.Path("keras_cnn.weights.h5"), "model.weights.h5");
        var model = Fixtures.KerasCnn();
        model.LoadWeights(archive);
        var (x, expected) = Fixtures.InputOutput("keras_cnn.io.json");
        TestData.AssertTensorsClose(expected, model.Predict(x), 1e-5);
    }

    /// <summary>A Keras CNN with random weights and moving statistics (not the initial zeros and ones).</summary>
    static Sequential RandomCnn(int seed)
    {
        Backend.SetRandomSeed(seed);
        var model = Fixtures.KerasCnn();
        foreach (var w in model.Layers[1].NonTrainableWeights) w.Assign(rand(3) + 0.5);
        return model;
    }

    [Theory]
    [InlineData("cnn.weights.h5")]
    [InlineData("cnn.h5")]
    public void SaveWeightsRoundTripsBitExactly(string file)
    {
        using var dir = new TempDir();
        var saved = RandomCnn(21);
        saved.SaveWeights(dir.File(file));
        var loaded = RandomCnn(22);
        Assert.False(TestData.SameWeights(saved.GetWeights(), loaded.GetWeights()));
        loaded.LoadWeights(dir.File(file));
        Assert.True(TestData.SameWeights(saved.GetWeights(), loaded.GetWeights()));
        using var x = rand(2, 6, 6, 2);
        Assert.True(TestData.BitEqual(saved.Predict(x), loaded.Predict(x)));
    }

    [Fact]
    public void SavedWeightsH5HasKerasPathsAndLayouts()
    {
        using var dir = new TempDir();
        var model = RandomCnn(23);
        model.SaveWeights(dir.File("cnn.weights.h5"));
        using var file = H5File.OpenRead(dir.File("cnn.weights.h5"));
        Assert.Equal(new ulong[] { 3, 3, 2, 3 }, file.Dataset("layers/conv2d/vars/0").Space.Dimensions);   // (kh, kw, in, filters)
        Assert.Equal(new ulong[] { 12, 4 }, file.Dataset("layers/dense/vars/0").Space.Dimensions);         // (input, units)
        Assert.Equal(new ulong[] { 4, 3 }, file.Dataset("layers/dense_1/vars/0").Space.Dimensions);
        Assert.Equal(4, file.Group("layers/batch_normalization/vars").Children().Count());
        Assert.True(file.LinkExists("layers/flatten/vars"));
        var dense = (Dense)model.Layers[4];
        TestData.AssertTensorsClose(dense.Kernel.Value.t(), Read(file, "layers/dense/vars/0"), 0);
    }

    [Fact]
    public void SavedLegacyH5HasLayerAndWeightNames()
    {
        using var dir = new TempDir();
        var model = RandomCnn(24);
        model.SaveWeights(dir.File("cnn.h5"));
        using var file = H5File.OpenRead(dir.File("cnn.h5"));
        Assert.Equal(new[] { "conv2d", "batch_normalization", "max_pooling2d", "flatten", "dense", "dense_1" },
            file.Attribute("layer_names").Read<string[]>());
        Assert.Equal(new[] { "dense_1/kernel:0", "dense_1/bias:0" }, file.Group("dense_1").Attribute("weight_names").Read<string[]>());
        Assert.Equal(new ulong[] { 4, 3 }, file.Dataset("dense_1/dense_1/kernel:0").Space.Dimensions);
    }

    static Tensor Read(IH5Group file, string path)
    {
        var ds = file.Dataset(path);
        return tensor(ds.Read<float[]>(), ds.Space.Dimensions.Select(d => (long)d).ToArray());
    }

    [Fact]
    public void ByNameLoadsMatchingLayersAndLeavesTheNewHeadAlone()
    {
        var reference = Fixtures.KerasCnn();
        reference.LoadWeights(Fixtures.Path("keras_cnn.h5"));
        Backend.SetRandomSeed(25);
        var model = Fixtures.KerasCnn(headUnits: 5, headName: "new_head");        // transfer learning: a new head
        var head = Fixtures.Copy(model.Layers[5].Weights);
        Assert.Empty(model.LoadWeights(Fixtures.Path("keras_cnn.h5"), byName: true));
        for (int i = 0; i < 5; i++)
            Assert.True(TestData.SameWeights(Fixtures.Copy(reference.Layers[i].Weights), Fixtures.Copy(model.Layers[i].Weights)), $"layer {i}");
        Assert.True(TestData.SameWeights(head, Fixtures.Copy(model.Layers[5].Weights)));
    }

    [Fact]
    public void ShapeMismatchNamesTheLayerTheExpectedAndTheFoundShape()
    {
        var model = Fixtures.KerasCnn(headUnits: 5);
        var e = Assert.Throws<ArgumentException>(() => model.LoadWeights(Fixtures.Path("keras_cnn.weights.h5")));
        Assert.Contains("dense_1", e.Message);
        Assert.Contains("kernel", e.Message);
        Assert.Contains("Weight expects shape (4, 5)", e.Message);
        Assert.Contains("Received saved weight with shape (4, 3)", e.Message);
    }

    [Theory]
    [InlineData("keras_cnn.weights.h5", false)]
    [InlineData("keras_cnn.h5", false)]
    [InlineData("keras_cnn.h5", true)]
    public void SkipMismatchSkipsOnlyTheMismatchedLayer(string file, bool byName)
    {
        var reference = Fixtures.KerasCnn();
        reference.LoadWeights(Fixtures.Path("keras_cnn.h5"));
        Backend.SetRandomSeed(26);
        var model = Fixtures.KerasCnn(headUnits: 5);
        var head = Fixtures.Copy(model.Layers[5].Weights);
        var skipped = model.LoadWeights(Fixtures.Path(file), byName, skipMismatch: true);
        Assert.Single(skipped);
        Assert.Contains("dense_1", skipped[0]);
        Assert.Contains("(4, 5)", skipped[0]);
        Assert.True(TestData.SameWeights(head, Fixtures.Copy(model.Layers[5].Weights)));
        Assert.True(TestData.SameWeights(Fixtures.Copy(reference.Layers[4].Weights), Fixtures.Copy(model.Layers[4].Weights)));
    }

    [Fact]
    public void LayerCountMismatchSaysHowManyEachSideHas()
    {
        var model = new Sequential(
            new Conv2D(3, (3, 3), activation: "relu", inputShape: (6, 6, 2)), new BatchNormalization(),
            new MaxPooling2D((2, 2)), new Flatten(), new Dense(3, activation: "softmax"));
        var e = Assert.Throws<ArgumentException>(() => model.LoadWeights(Fixtures.Path("keras_cnn.h5")));
        Assert.Contains("Model expected 3 layers, found 4 saved layers", e.Message);
    }

    [Fact]
    public void WeightsH5LayerMissingFromTheFileIsReported()
    {
        // Keras names layers by class and position: a second Dense in the file is layers/dense_1, a third one is missing.
        var model = new Sequential(
            new Conv2D(3, (3, 3), activation: "relu", inputShape: (6, 6, 2)), new BatchNormalization(),
            new MaxPooling2D((2, 2)), new Flatten(), new Dense(4, activation: "relu"), new Dense(3), new Dense(3));
        var e = Assert.Throws<ArgumentException>(() => model.LoadWeights(Fixtures.Path("keras_cnn.weights.h5")));
        Assert.Contains("layers/dense_2", e.Message);
        Assert.Contains("Received 0 saved weight(s)", e.Message);
    }

    [Fact]
    public void ByNameIsRefusedForWeightsH5AsInKeras()
    {
        var e = Assert.Throws<ArgumentException>(() => Fixtures.KerasCnn().LoadWeights(Fixtures.Path("keras_cnn.weights.h5"), byName: true));
        Assert.Contains("byName", e.Message);
    }

    [Fact]
    public void RecurrentKernelsAreTransposedToKerasLayout()
    {
        using var dir = new TempDir();
        Backend.SetRandomSeed(27);
        var model = new Sequential(new LSTM(3, inputShape: (4, 2)), new Dense(1));
        model.SaveWeights(dir.File("lstm.weights.h5"));
        using (var file = H5File.OpenRead(dir.File("lstm.weights.h5")))
        {
            Assert.Equal(new ulong[] { 2, 12 }, file.Dataset("layers/lstm/vars/0").Space.Dimensions);   // (input, 4·units)
            Assert.Equal(new ulong[] { 3, 12 }, file.Dataset("layers/lstm/vars/1").Space.Dimensions);   // (units, 4·units)
        }
        Backend.SetRandomSeed(28);
        var loaded = new Sequential(new LSTM(3, inputShape: (4, 2)), new Dense(1));
        loaded.LoadWeights(dir.File("lstm.weights.h5"));
        Assert.True(TestData.SameWeights(model.GetWeights(), loaded.GetWeights()));
    }

    [Fact]
    public void UnmappedLayersAreRefusedByName()
    {
        using var dir = new TempDir();
        var model = new Sequential(new Bidirectional(new LSTM(2), inputShape: (3, 2)), new Dense(1));
        var e = Assert.Throws<NotSupportedException>(() => model.SaveWeights(dir.File("m.weights.h5")));
        Assert.Contains("\"bidirectional\" (Bidirectional)", e.Message);
    }

    [Fact]
    public void UnbuiltModelsAndUnknownExtensionsAreRefused()
    {
        var unbuilt = new Sequential(new Dense(2));
        Assert.Throws<InvalidOperationException>(() => unbuilt.LoadWeights(Fixtures.Path("keras_cnn.h5")));
        var e = Assert.Throws<ArgumentException>(() => Fixtures.KerasCnn().SaveWeights("weights.npz"));
        Assert.Contains("Received: path=\"weights.npz\"", e.Message);
        Assert.Throws<FileNotFoundException>(() => Fixtures.KerasCnn().LoadWeights("missing.weights.h5"));
    }

    [Fact]
    public void ACorruptFileRaisesModelFileException()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("bad.weights.h5"), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
        var e = Assert.Throws<ModelFileException>(() => Fixtures.KerasCnn().LoadWeights(dir.File("bad.weights.h5")));
        Assert.Contains("bad.weights.h5", e.Message);
    }
}
