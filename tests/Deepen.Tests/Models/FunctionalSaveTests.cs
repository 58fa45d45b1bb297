using System.IO.Compression;
using System.Text.Json.Nodes;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Saving;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Models;

public class FunctionalSaveTests
{
    /// <summary>Two inputs, a shared layer called twice, a residual Add, a Concatenate and two outputs.</summary>
    static Model Graph()
    {
        var a = new Input(4, name: "a");
        var b = new Input(4, name: "b");
        var shared = new Dense(4, "tanh", name: "shared");
        var ha = shared.Call(a);
        var hb = shared.Call(b);
        var residual = new Add(name: "residual").Call(a, ha);
        var joined = new Concatenate(name: "joined").Call(residual, hb);
        var cls = new Dense(2, "softmax", name: "cls").Call(joined);
        var reg = new Dense(1, name: "reg").Call(new Dense(3, "relu").Call(joined));
        return new Model([a, b], [cls, reg], name: "two_towers");
    }

    static JsonObject ReadConfig(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var s = zip.GetEntry("config.json")!.Open();
        return JsonNode.Parse(s)!.AsObject();
    }

    [Fact]
    public void ConfigHasKerasLayersInboundNodesAndEndpoints()
    {
        var model = Graph();
        var config = model.GetConfig().Json;
        Assert.Equal("[[\"a\",0,0],[\"b\",0,0]]", config["input_layers"]!.ToJsonString());
        Assert.Equal("[[\"cls\",0,0],[\"reg\",0,0]]", config["output_layers"]!.ToJsonString());
        var layers = config["layers"]!.AsArray().ToDictionary(l => l!["name"]!.GetValue<string>(), l => l!.AsObject());
        Assert.Equal("[[[\"a\",0,0]],[[\"b\",0,0]]]", layers["shared"]["inbound_nodes"]!.ToJsonString());   // two calls
        Assert.Equal("[[[\"a\",0,0],[\"shared\",0,0]]]", layers["residual"]["inbound_nodes"]!.ToJsonString());
        Assert.Equal("[[[\"residual\",0,0],[\"shared\",1,0]]]", layers["joined"]["inbound_nodes"]!.ToJsonString());
        Assert.Equal("[]", layers["a"]["inbound_nodes"]!.ToJsonString());
        Assert.Equal("InputLayer", layers["a"]["class_name"]!.GetValue<string>());
    }

    [Fact]
    public void SaveLoadRoundTripsWeightsPredictionsAndCompileSettings()
    {
        Backend.SetRandomSeed(21);
        var model = Graph();
        model.Compile(new Adam(0.01), ["sparse_categorical_crossentropy", "mse"], ["accuracy"], lossWeights: [1.0, 0.25]);
        var xa = randn(64, 4); var xb = randn(64, 4);
        var label = (xa.sum(1) > 0).to(ScalarType.Int64);
        var value = xb.sum(1, keepdim: true);
        model.Fit([xa, xb], [label, value], epochs: 2, batchSize: 16, verbose: 0);
        using var dir = new TempDir();
        string path = dir.File("graph.deepen");
        model.Save(path);
        Assert.Equal("Functional", ReadConfig(path)["model"]!["class_name"]!.GetValue<string>());

        var loaded = Model.Load(path);
        Assert.True(loaded.IsFunctional);
        Assert.Equal("two_towers", loaded.Name);
        Assert.Equal(model.Layers.Select(l => l.Name), loaded.Layers.Select(l => l.Name));
        var w1 = model.GetWeights(); var w2 = loaded.GetWeights();
        Assert.Equal(w1.Count, w2.Count);
        for (int i = 0; i < w1.Count; i++) Assert.True(Same(w1[i], w2[i]), $"weight {i} differs");
        var p1 = model.Predict([xa, xb]); var p2 = loaded.Predict([xa, xb]);
        for (int i = 0; i < 2; i++) Assert.True(Same(p1[i], p2[i]), $"output {i} differs");
        Assert.Equal(new[] { "sparse_categorical_crossentropy", "mean_squared_error" }.Length, loaded.Losses.Count);
        Assert.Equal(model.Losses.Select(l => l.Name), loaded.Losses.Select(l => l.Name));
        Assert.Equal(new[] { 1.0, 0.25 }, loaded.LossWeights);
        // The loaded model evaluates to the same figures and keeps training (optimizer state restored).
        var s1 = model.Evaluate([xa, xb], [label, value], verbose: 0);
        var s2 = loaded.Evaluate([xa, xb], [label, value], verbose: 0);
        Assert.Equal(s1["loss"], s2["loss"], 6);
        loaded.Fit([xa, xb], [label, value], epochs: 1, batchSize: 16, verbose: 0);
        // The shared layer is still shared after loading.
        Assert.Single(loaded.Layers, l => l.Name == "shared");
        var sharedNodes = loaded.GetConfig().Json["layers"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "shared")!["inbound_nodes"]!.AsArray();
        Assert.Equal(2, sharedNodes.Count);
    }

    [Fact]
    public void ASingleOutputGraphRoundTripsThroughTheSingleTensorPath()
    {
        Backend.SetRandomSeed(22);
        var input = new Input((6, 6, 1));
        var x = new Conv2D(4, 3, padding: "same", activation: "relu").Call(input);
        var y = new Conv2D(4, 3, padding: "same").Call(x);
        x = new Activation("relu").Call(new Add().Call(x, y));
        x = new BatchNormalization().Call(x);
        var model = new Model(input, new Dense(3, "softmax").Call(new GlobalAveragePooling2D().Call(x)));
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var data = rand(32, 6, 6, 1);
        var labels = randint(0, 3, 32);
        model.Fit(data, labels, epochs: 1, batchSize: 8, verbose: 0);
        using var dir = new TempDir();
        model.Save(dir.File("m.deepen"));
        var loaded = Model.Load(dir.File("m.deepen"));
        Assert.True(Same(model.Predict(data), loaded.Predict(data)));
        Assert.Equal(model.Evaluate(data, labels, verbose: 0)["loss"], loaded.Evaluate(data, labels, verbose: 0)["loss"], 6);
    }

    [Fact]
    public void BrokenGraphConfigsAreReported()
    {
        var input = new Input(2, name: "in");
        var model = new Model(input, new Dense(1, name: "out").Call(input));
        var good = model.GetConfig().Json;

        var missing = (JsonObject)good.DeepClone();
        missing["layers"]![1]!["inbound_nodes"] = JsonNode.Parse("[[[\"nowhere\", 0, 0]]]");
        var e = Assert.Throws<FormatException>(() => Model.FromFunctionalConfig(new LayerConfig(missing)));
        Assert.Contains("\"out\"", e.Message);
        Assert.Contains("nowhere", e.Message);

        var badRef = (JsonObject)good.DeepClone();
        badRef["output_layers"] = JsonNode.Parse("[[\"out\", 3, 0]]");
        Assert.Contains("output_layers", Assert.Throws<FormatException>(() => Model.FromFunctionalConfig(new LayerConfig(badRef))).Message);

        var duplicate = (JsonObject)good.DeepClone();
        duplicate["layers"]![1]!["name"] = "in";
        duplicate["layers"]![1]!["config"]!["name"] = "in";
        Assert.Contains("used by two layers", Assert.Throws<FormatException>(() => Model.FromFunctionalConfig(new LayerConfig(duplicate))).Message);

        var notARef = (JsonObject)good.DeepClone();
        notARef["layers"]![1]!["inbound_nodes"] = JsonNode.Parse("[[42]]");
        Assert.Contains("is not a [layer, node_index, tensor_index] reference", Assert.Throws<FormatException>(() => Model.FromFunctionalConfig(new LayerConfig(notARef))).Message);

        // Through a file, the message says the architecture cannot be rebuilt.
        using var dir = new TempDir();
        model.Save(dir.File("ok.deepen"));
        Assert.NotNull(Model.Load(dir.File("ok.deepen")));
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
