using Deepen.Cli;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Onnx.Ops;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Onnx;

public class OnnxRoundTripTests
{
    static Model SmallCnn()
    {
        var model = new Sequential(new Layer[]
        {
            new Rescaling(1.0 / 255, inputShape: (16, 16, 3)),
            new Conv2D(8, (3, 3), padding: "same", activation: "relu"),
            new BatchNormalization(),
            new MaxPooling2D(2),
            new Conv2D(8, (3, 3), strides: 2, activation: "relu"),
            new Flatten(),
            new Dense(3, activation: "softmax"),
        }, name: "cnn");
        model.Build(model.InputShape!);
        return model;
    }

    [Fact]
    public void Deepen_to_ONNX_to_Deepen_predicts_the_same()
    {
        Backend.SetRandomSeed(11);
        using var dir = new TempDir();
        using var model = SmallCnn();
        string path = dir.File("cnn.onnx");
        model.ExportOnnx(path);
        using var back = Model.FromOnnx(path);
        Assert.Equal(model.InputShape, back.InputShape);                       // NHWC in, as exported
        Assert.Contains(back.Layers, l => l is Conv2D);
        Assert.Contains(back.Layers, l => l is Dense);
        foreach (int n in new[] { 1, 3 })
        {
            using var x = rand(model.InputShape!.WithBatch(n)) * 255;
            using var expected = model.Predict(x);
            using var actual = back.Predict(x);
            OnnxTestSupport.AssertClose(expected.data<float>().ToArray(), actual, what: $"batch {n}");
        }
    }

    [Theory]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    [InlineData("recurrent")]
    public void Sequence_models_go_Deepen_to_ONNX_to_Deepen_at_the_id_level(string kind)
    {
        Backend.SetRandomSeed(14);
        using var dir = new TempDir();
        Model model;
        int vocabulary = 30;
        if (kind == "recurrent")
        {
            model = new Sequential(new Layer[]
            {
                new Embedding(30, 5, maskZero: true, inputShape: 9),
                new Bidirectional(new GRU(3, returnSequences: true, resetAfter: false), mergeMode: "ave"),
                new SimpleRNN(4, returnSequences: true, goBackwards: true),
                new Bidirectional(new LSTM(3)),
                new Dense(2, activation: "softmax"),
            }, name: "recurrent");
            model.Build(model.InputShape!);
        }
        else
        {
            var vectorizer = TextModelPresets.Vectorizer(kind, maxTokens: 30, sequenceLength: 9);
            vectorizer.Adapt(new[] { "the cat sat on the mat", "free money now", "win a free prize", "the meeting is on tuesday", "a dog and a cat" });
            model = TextModelPresets.Build(kind, vectorizer, classes: 3);
            vocabulary = vectorizer.VocabularySize();
        }
        using var _ = model;
        string path = dir.File(kind + ".onnx");
        model.ExportOnnx(path);
        using var back = Model.FromOnnx(path);
        foreach (int n in new[] { 1, 3, 8 })
        {
            using var ids = kind == "recurrent" ? OnnxTextExportTests.ScatteredIds(n, 9, vocabulary, n) : OnnxTextExportTests.PaddedIds(n, 9, vocabulary, n);
            using var expected = model.Predict(ids);
            using var actual = back.Predict(ids);
            OnnxTestSupport.AssertClose(expected.data<float>().ToArray(), actual, what: $"{kind} batch {n}");
        }
        // ONNX → Deepen → ONNX: the imported model (recurrent ops as OnnxOp layers) exports again and ONNX Runtime agrees.
        string again = dir.File(kind + "-again.onnx");
        back.ExportOnnx(again);
        using var rows = OnnxTextExportTests.PaddedIds(8, 9, vocabulary, 5);
        using var reference = model.Predict(rows);
        OnnxTestSupport.AssertClose(OnnxTestSupport.Run(again, new object[] { rows })[0], reference, what: $"{kind} exported again");
    }

    [Fact]
    public void ResNet18_imported_exports_back_and_OnnxRuntime_agrees_with_the_original_file()
    {
        using var dir = new TempDir();
        using var model = Model.FromOnnx([OnnxTestSupport.ResNetPreprocess, OnnxTestSupport.ResNet18]);
        string path = dir.File("resnet18-again.onnx");
        model.ExportOnnx(path);
        using var image = OnnxImportTests.RealImages(1);
        var prepared = OnnxTestSupport.RunFloat(OnnxTestSupport.ResNetPreprocess, image)[0];
        using var p = tensor(prepared, new long[] { 1, 3, 224, 224 });
        var original = OnnxTestSupport.RunFloat(OnnxTestSupport.ResNet18, p)[0];
        using var nhwc = image.permute(0, 2, 3, 1).contiguous();
        var again = OnnxTestSupport.RunFloat(path, nhwc)[0];                   // [1, 1, 1, 512] channels-last
        OnnxTestSupport.AssertClose(original, tensor(again), what: "ONNX → Deepen → ONNX");
    }

    [Fact]
    public void An_imported_model_fine_tunes_with_Fit_saves_and_loads_as_deepen()
    {
        Backend.SetRandomSeed(12);
        using var dir = new TempDir();
        // An ONNX file with graph ops (Gemm, Erf, Pow, ReduceMean, Reshape) next to mapped layers.
        var a = new Input(2);
        var h = new Dense(16, activation: "gelu").Call(a);
        var y = new Dense(1, activation: "sigmoid").Call(new LayerNormalization().Call(h));
        using (var source = new Model(a, y, name: "mlp")) source.ExportOnnx(dir.File("mlp.onnx"));
        using var model = Model.FromOnnx(dir.File("mlp.onnx"));
        Assert.Contains(model.Layers, l => l is OnnxOp);
        Assert.True(model.TrainableWeights.Count() >= 6);

        var (x, t) = TestData.TwoMoons(200, 0.1, seed: 3);
        model.Compile("adam", "binary_crossentropy");
        var history = model.Fit(x, t, epochs: 15, batchSize: 32, verbose: 0);
        var loss = history["loss"];
        Assert.True(loss[^1] < loss[0] * 0.8, $"loss {loss[0]:F4} → {loss[^1]:F4}");

        model.Save(dir.File("mlp.deepen"));
        using var loaded = Model.Load(dir.File("mlp.deepen"));
        using var xt = tensor(x);
        using var before = model.Predict(xt);
        using var after = loaded.Predict(xt);
        Assert.True(before.allclose(after, 0, 0), "a loaded imported model predicts bit-identically");
    }

    [Fact]
    public void Freezing_an_imported_layer_keeps_its_weights()
    {
        Backend.SetRandomSeed(13);
        using var dir = new TempDir();
        using (var source = SmallCnn()) source.ExportOnnx(dir.File("cnn.onnx"));
        using var model = Model.FromOnnx(dir.File("cnn.onnx"));
        var conv = model.Layers.OfType<Conv2D>().First();
        conv.Trainable = false;
        using var kernel = conv.Kernel.Value.detach().clone();
        using var x = rand(8, 16, 16, 3) * 255;
        using var labels = randint(0, 3, new long[] { 8 });
        model.Compile("sgd", "sparse_categorical_crossentropy");
        model.Fit(x, labels, epochs: 2, batchSize: 4, verbose: 0);
        Assert.True(kernel.allclose(conv.Kernel.Value, 0, 0));
    }
}
