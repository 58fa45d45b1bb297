using Deepen.Layers;
using Deepen.Models;
using Deepen.Saving;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

/// <summary>
/// A user's own layer class: saved by its class name and config, refused when loading until it is registered with
/// <see cref="LayerRegistry.Register{T}"/>, then rebuilt with its hyper-parameters and trained weights.
/// </summary>
public class LayerRegistryTests
{
    /// <summary>y = x^power · scale, with one trainable scale per feature: a hyper-parameter and a weight to restore.</summary>
    public sealed class PowerScaleForRegistryTest : Layer
    {
        Weight? _scale;

        public PowerScaleForRegistryTest(int power = 1, string? name = null, Shape? inputShape = null) : base(name, inputShape) => Power = power;

        public int Power { get; }

        protected override void OnBuild(Shape inputShape) =>
            _scale = AddWeight("scale", new long[] { inputShape[-1] }, "ones", fanIn: 1, fanOut: 1);

        public override Tensor Call(Tensor inputs, bool training = false) => inputs.pow(Power) * _scale!.Value;
        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
        public override LayerConfig GetConfig() => base.GetConfig().Set("power", Power);
    }

    [Fact]
    public void ARegisteredCustomLayerLoadsWithItsConfigAndTrainedWeights()
    {
        Backend.SetRandomSeed(61);
        using var dir = new TempDir();
        var model = new Sequential(new PowerScaleForRegistryTest(power: 2, inputShape: 3), new Dense(1));
        model.Compile("adam", "mse");
        var x = new float[,] { { 1, 2, -1 }, { 0.5f, -0.5f, 2 }, { -1, 1, 1 }, { 2, 0, -2 } };
        var y = new float[] { 1, -1, 0.5f, 2 };
        model.Fit(x, y, epochs: 5, batchSize: 2, verbose: 0);
        var trainedScale = TestData.Values(model.Layers[0].Weights[0].Value);
        Assert.Contains(trainedScale, s => s != 1f);                 // training moved the custom weight
        string path = dir.File("custom.deepen");
        model.Save(path);

        if (!LayerRegistry.ClassNames.Contains(nameof(PowerScaleForRegistryTest)))
        {
            // Loading never constructs a class it was not told about.
            var refused = Assert.Throws<ModelFileException>(() => Model.Load(path));
            Assert.Contains(nameof(PowerScaleForRegistryTest), refused.Message);
            Assert.Contains("LayerRegistry.Register", refused.Message);
        }

        LayerRegistry.Register<PowerScaleForRegistryTest>();
        Assert.Contains(nameof(PowerScaleForRegistryTest), LayerRegistry.ClassNames);
        using var loaded = Model.Load(path);
        var layer = Assert.IsType<PowerScaleForRegistryTest>(loaded.Layers[0]);
        Assert.Equal(2, layer.Power);
        Assert.Equal(model.Layers[0].Name, layer.Name);
        Assert.Equal(trainedScale, TestData.Values(layer.Weights[0].Value));
        using var input = tensor(new float[] { 1, 2, -1, 3, 0, 1 }, new long[] { 2, 3 });
        Assert.True(TestData.BitEqual(model.Predict(input), loaded.Predict(input)));
    }

    [Fact]
    public void AFactoryCanBeRegisteredUnderAnyClassName()
    {
        LayerRegistry.Register("ScaledByFactoryForRegistryTest", config => new Rescaling(config.GetDouble("factor")));
        var layer = LayerRegistry.Create("ScaledByFactoryForRegistryTest", new LayerConfig().Set("factor", 3.0).Set("name", "triple"));
        Assert.Equal(3.0, Assert.IsType<Rescaling>(layer).Scale);
        Assert.Equal("triple", layer.Name);
        Assert.Throws<ArgumentException>(() => LayerRegistry.Register(" ", _ => new Flatten()));
    }

    [Fact]
    public void TheLibrarysLayersRegisterThemselvesByTheirKerasNames()
    {
        // The names the hand-kept table held before layers registered themselves by reflection.
        string[] keras =
        {
            "InputLayer", "Dense", "Activation", "Flatten", "Rescaling", "Dropout", "Conv2D", "MaxPooling2D", "AveragePooling2D",
            "GlobalAveragePooling2D", "GlobalMaxPooling2D", "UpSampling2D", "BatchNormalization", "Embedding", "SimpleRNN", "LSTM", "GRU",
            "Conv1D", "MaxPooling1D", "AveragePooling1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D", "LayerNormalization",
            "MultiHeadAttention", "TransformerEncoder", "PositionEmbedding", "TokenAndPositionEmbedding", "Bidirectional", "TimeDistributed",
            "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast", "TextVectorization", "Add", "Subtract",
            "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "ZeroPadding2D", "OnnxOp",
        };
        Assert.Empty(keras.Except(LayerRegistry.ClassNames));
        Assert.DoesNotContain("Input", LayerRegistry.ClassNames);          // Keras's class name is InputLayer
        Assert.DoesNotContain("Sequential", LayerRegistry.ClassNames);     // models are rebuilt from their own configs
        // A layer with its own FromConfig (not constructor binding) comes back with its settings.
        var flip = (RandomFlip)LayerRegistry.Create("RandomFlip", new RandomFlip("vertical", seed: 3).GetConfig());
        Assert.Equal("vertical", flip.GetConfig().GetString("mode"));
        var unknown = Assert.Throws<FormatException>(() => LayerRegistry.Create("NoSuchLayer", new LayerConfig()));
        Assert.Contains("LayerRegistry.Register", unknown.Message);
    }
}
