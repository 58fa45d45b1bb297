using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using Deepen.Tests.Onnx;
using static TorchSharp.torch;

namespace Deepen.Tests.Cli;

/// <summary><c>deepen export</c> and <c>.onnx</c> accepted wherever the CLI loads a model.</summary>
[Collection(CliCollection.Name)]
public class ExportCommandTests
{
    static string SavedModel(TempDir dir)
    {
        Backend.SetRandomSeed(21);
        using var model = new Sequential(new Rescaling(1.0 / 255, inputShape: (8, 8, 1)), new Conv2D(4, 3, activation: "relu"),
            new Flatten(), new Dense(3, activation: "softmax"));
        model.Build(model.InputShape!);
        string path = dir.File("m.deepen");
        model.Save(path);
        return path;
    }

    [Fact]
    public void Exports_a_saved_model_that_OnnxRuntime_runs_like_Predict()
    {
        using var dir = new TempDir();
        string saved = SavedModel(dir), onnx = dir.File("m.onnx");
        var r = DeepenRunner.Expect(0, "export", "--model", saved, "--out", onnx);
        Assert.Contains("opset 17", r.Out);
        using var model = Model.Load(saved);
        using var x = rand(2, 8, 8, 1) * 255;
        using var expected = model.Predict(x);
        OnnxTestSupport.AssertClose(OnnxTestSupport.RunFloat(onnx, x)[0], expected);

        // The .onnx file is a model wherever the CLI takes one.
        var summary = DeepenRunner.Expect(0, "summary", "--model", onnx);
        Assert.Contains("Conv2D", summary.Out);
    }

    [Fact]
    public void A_text_model_exports_after_vectorization_and_says_so()
    {
        using var dir = new TempDir();
        Backend.SetRandomSeed(22);
        var vectorizer = Deepen.Cli.TextModelPresets.Vectorizer("text-lstm", maxTokens: 20, sequenceLength: 6);
        vectorizer.Adapt(new[] { "free money now", "the meeting is at noon", "win money" });
        string saved = dir.File("text.deepen"), onnx = dir.File("text.onnx");
        using (var model = Deepen.Cli.TextModelPresets.Build("text-lstm", vectorizer, classes: 2)) model.Save(saved);
        var r = DeepenRunner.Expect(0, "export", "--model", saved, "--out", onnx);
        Assert.Contains("takes int64 token ids [batch, 6]", r.Out);
        Assert.Contains("deepen.text.", r.Out);
        using var loaded = Model.Load(saved);
        using var ids = vectorizer.Call(new[] { "free money", "noon meeting now please" });
        using var expected = loaded.Predict(ids);
        OnnxTestSupport.AssertClose(OnnxTestSupport.Run(onnx, new object[] { ids })[0], expected);
    }

    [Fact]
    public void Bad_arguments_and_files_get_exit_codes()
    {
        using var dir = new TempDir();
        string saved = SavedModel(dir);
        DeepenRunner.ExpectError(2, new[] { "export", "--model", saved, "--out", dir.File("x.onnx"), "--opset", "5" }, "--opset");
        DeepenRunner.ExpectError(3, new[] { "export", "--model", dir.File("missing.deepen"), "--out", dir.File("x.onnx") }, "missing.deepen");
        File.WriteAllText(dir.File("junk.onnx"), "not onnx");
        DeepenRunner.ExpectError(4, new[] { "summary", "--model", dir.File("junk.onnx") }, "not an ONNX model");
    }
}
