using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

/// <summary>Keras's standard layer check: a model built with the layer predicts the same after Save and Load.</summary>
internal static class LayerRoundTrip
{
    /// <summary>Saves <paramref name="model"/>, loads it, and asserts equal predictions on <paramref name="x"/>; returns the loaded model.</summary>
    public static Model AssertSamePredictions(Model model, Tensor x, double tolerance = 1e-6)
    {
        if (!model.IsCompiled) model.Compile("adam", "mse");
        using var dir = new TempDir();
        using var before = model.Predict(x);
        string path = dir.File("model.deepen");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(model.Layers.Select(l => l.ClassName), loaded.Layers.Select(l => l.ClassName));
        Assert.Equal(model.Layers.Select(l => l.GetConfig().Json.ToJsonString()), loaded.Layers.Select(l => l.GetConfig().Json.ToJsonString()));
        using var after = loaded.Predict(x);
        TestData.AssertTensorsClose(before, after, tolerance);
        return loaded;
    }
}
