using Deepen.Applications;
using Deepen.Cli;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Onnx;

/// <summary>Deepen's Predict against ONNX Runtime on the exported file, random inputs, batch sizes 1 and 3, within 1e-4.</summary>
public class OnnxExportTests
{
    [Theory]
    [InlineData("seed-cnn", 3, 2)]
    [InlineData("small-cnn", 1, 10)]
    public void Presets_export_and_OnnxRuntime_agrees(string preset, int channels, int classes)
    {
        Backend.SetRandomSeed(1);
        using var dir = new TempDir();
        using var model = ModelPresets.Build(preset, (preset == "seed-cnn" ? 150 : 28, preset == "seed-cnn" ? 150 : 28, channels), classes);
        model.Build(model.InputShape!);
        OnnxTestSupport.AssertExportMatches(model, dir.Path, input: s => rand(s) * 255);
    }

    [Fact]
    public void The_ResNet_example_with_batch_normalization_statistics_exports()
    {
        Backend.SetRandomSeed(2);
        using var dir = new TempDir();
        using var model = ResNet.Small((32, 32, 3), 10);
        // Non-trivial moving statistics, so inference-mode normalization is really checked.
        foreach (var bn in model.Layers.OfType<BatchNormalization>())
        {
            bn.Weights.First(w => w.Name == "moving_mean").Assign(randn(bn.Weights[0].Shape) * 0.1);
            bn.Weights.First(w => w.Name == "moving_variance").Assign(rand(bn.Weights[0].Shape) + 0.5);
        }
        OnnxTestSupport.AssertExportMatches(model, dir.Path);
    }

    [Fact]
    public void Every_exportable_image_layer_agrees_with_OnnxRuntime()
    {
        Backend.SetRandomSeed(3);
        using var dir = new TempDir();
        using var model = new Sequential(new Layer[]
        {
            new Rescaling(0.5, offset: -1, inputShape: (12, 11, 3)),
            new RandomFlip("horizontal"),
            new ZeroPadding2D((1, 0), (2, 1)),
            new Conv2D(6, (3, 3), strides: 2, padding: "same", activation: "elu"),
            new BatchNormalization(),
            new Conv2D(5, (2, 2), padding: "valid", dilationRate: 2, activation: "gelu"),
            new MaxPooling2D(2, 1, padding: "same"),
            new AveragePooling2D(2, 2, padding: "same"),
            new Activation("swish"),
            new Dropout(0.3),
            new Flatten(),
            new Dense(7, activation: "leaky_relu"),
            new Dense(4, activation: "softmax"),
        }, name: "image_layers");
        model.Build(model.InputShape!);
        OnnxTestSupport.AssertExportMatches(model, dir.Path);
    }

    [Fact]
    public void Grouped_convolutions_export_with_their_group_count()
    {
        Backend.SetRandomSeed(5);
        using var dir = new TempDir();
        using var image = new Sequential(new Layer[]
        {
            new Conv2D(6, (3, 3), padding: "same", groups: 3, inputShape: (9, 8, 3)),
            new Conv2D(4, (2, 2), groups: 2, activation: "relu"),
            new GlobalAveragePooling2D(),
        }, name: "grouped_2d");
        image.Build(image.InputShape!);
        OnnxTestSupport.AssertExportMatches(image, dir.Path);
        using var sequence = new Sequential(new Layer[] { new Conv1D(4, 3, padding: "causal", groups: 2, inputShape: (7, 4)), new Flatten() }, name: "grouped_1d");
        sequence.Build(sequence.InputShape!);
        OnnxTestSupport.AssertExportMatches(sequence, dir.Path);
    }

    [Fact]
    public void Sequence_layers_agree_with_OnnxRuntime()
    {
        Backend.SetRandomSeed(4);
        using var dir = new TempDir();
        using var model = new Sequential(new Layer[]
        {
            new Embedding(50, 8, inputShape: 10),
            new Conv1D(6, 3, padding: "causal", activation: "relu"),
            new Conv1D(6, 3, strides: 2, padding: "same", activation: "tanh"),
            new MaxPooling1D(2, padding: "same"),
            new LayerNormalization(),
            new AveragePooling1D(1),
            new Dense(5, activation: "selu"),
            new GlobalMaxPooling1D(),
            new Dense(3, activation: "sigmoid"),
        }, name: "sequence_layers");
        model.Build(model.InputShape!);
        OnnxTestSupport.AssertExportMatches(model, dir.Path, input: s => randint(0, 50, s).to_type(ScalarType.Float32));
    }

    [Fact]
    public void A_functional_multi_input_model_with_every_merge_layer_agrees_with_OnnxRuntime()
    {
        Backend.SetRandomSeed(5);
        using var dir = new TempDir();
        var a = new Input(6, name: "a");
        var b = new Input(6, name: "b");
        var ha = new Dense(6, activation: "tanh").Call(a);
        var hb = new Dense(6, activation: "softplus").Call(b);
        var merged = new Concatenate().Call(new Add().Call(ha, hb), new Subtract().Call(ha, hb), new Multiply().Call(ha, hb),
            new Average().Call(ha, hb), new Maximum().Call(ha, hb), new Minimum().Call(ha, hb));
        var y = new Dense(3, activation: "softmax").Call(new GlobalAveragePooling1D().Call(new Dense(4).Call(
            new Concatenate(axis: 1).Call(new Embedding(20, 4).Call(a), new Embedding(20, 4).Call(b)))));
        var z = new Dense(2).Call(merged);
        using var model = new Model([a, b], [y, z], name: "multi");
        // Not compiled: Predict(Tensor[]) on a model with several outputs needs no losses (the old GraphTrainer did).
        string path = Path.Combine(dir.Path, "multi.onnx");
        model.ExportOnnx(path);
        foreach (int n in new[] { 1, 4 })
        {
            using var xa = randint(0, 20, new long[] { n, 6 }).to_type(ScalarType.Float32);
            using var xb = randint(0, 20, new long[] { n, 6 }).to_type(ScalarType.Float32);
            var expected = model.Predict([xa, xb]);
            var ort = OnnxTestSupport.RunFloat(path, xa, xb);
            OnnxTestSupport.AssertClose(ort[0], expected[0], what: $"output y, batch {n}");
            OnnxTestSupport.AssertClose(ort[1], expected[1], what: $"output z, batch {n}");
        }
    }

    [Fact]
    public void Recurrent_layers_agree_with_OnnxRuntime()
    {
        Backend.SetRandomSeed(6);
        using var dir = new TempDir();
        using var model = new Sequential(new Layer[]
        {
            new Embedding(40, 6, inputShape: 7),
            new SimpleRNN(5, returnSequences: true),
            new GRU(4, returnSequences: true),
            new GRU(4, resetAfter: false, returnSequences: true),
            new LSTM(3),
            new Dense(2, activation: "softmax"),
        }, name: "recurrent");
        model.Build(model.InputShape!);
        foreach (var w in model.Weights.Where(w => w.Name.EndsWith("bias"))) w.Assign(randn(w.Shape) * 0.3);   // non-zero biases are checked too
        OnnxTestSupport.AssertExportMatches(model, dir.Path, input: s => randint(0, 40, s).to_type(ScalarType.Float32));
    }

    /// <summary>A user's own layer: Deepen cannot know its ONNX form.</summary>
    sealed class Doubling : Layer
    {
        public Doubling() : base("doubling") { }
        public override Tensor Call(Tensor inputs, bool training = false) => inputs * 2;
        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    }

    [Fact]
    public void A_layer_without_an_ONNX_form_is_named_in_the_error()
    {
        using var dir = new TempDir();
        using var model = new Sequential(new Layer[] { new Dense(3, inputShape: 5), new Doubling(), new Dense(1) });
        model.Build(model.InputShape!);
        var e = Assert.Throws<NotSupportedException>(() => model.ExportOnnx(Path.Combine(dir.Path, "m.onnx")));
        Assert.Contains("Layer \"doubling\" (Doubling) cannot be exported to ONNX: no ONNX form is implemented for this layer", e.Message);
        Assert.Contains("Layers that export: Dense", e.Message);
    }

    [Fact]
    public void Masked_sequences_concatenated_along_time_and_a_late_TextVectorization_are_refused_with_the_reason()
    {
        using var dir = new TempDir();
        var a = new Input(4);
        var e1 = new Embedding(10, 3, maskZero: true).Call(a);
        var e2 = new Embedding(10, 3, maskZero: true).Call(a);
        using var joined = new Model(a, new GlobalAveragePooling1D().Call(new Concatenate(axis: 1, name: "along_time").Call(e1, e2)));
        var e = Assert.Throws<NotSupportedException>(() => joined.ExportOnnx(dir.File("joined.onnx")));
        Assert.Contains("\"along_time\" (Concatenate) cannot be exported to ONNX: concatenating masked sequences along time", e.Message);

        var vectorizer = new TextVectorization(outputSequenceLength: 4, vocabulary: new[] { "a", "b" });
        var ids = new Input(4);
        using var late = new Model(ids, new Dense(1).Call(vectorizer.Call(new Dense(4).Call(ids))));
        e = Assert.Throws<NotSupportedException>(() => late.ExportOnnx(dir.File("late.onnx")));
        Assert.Contains("(TextVectorization) cannot be exported to ONNX: it must read a model input directly", e.Message);
    }
}
