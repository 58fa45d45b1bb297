using Deepen.Explain;
using Deepen.Layers;
using Deepen.Models;
using SkiaSharp;
using static TorchSharp.torch;

namespace Deepen.Tests.Explain;

/// <summary>Feature maps and filters of the corner CNN, the activation hook they use, and the explainers' argument checks.</summary>
[Collection(CornerModelCollection.Name)]
public class FeatureMapsTests
{
    readonly CornerModelFixture _f;
    public FeatureMapsTests(CornerModelFixture fixture) => _f = fixture;

    [Fact]
    public void ValuesAreTheLayersOutputComputedByHand()
    {
        using var image = _f.TestX[3];
        using var maps = FeatureMaps.Values(_f.Model, image, "conv2d");
        Assert.Equal(new long[] { 16, 16, 8 }, maps.shape);
        // The first layer's output equals calling that layer alone on the batch of one.
        using var batch = image.unsqueeze(0);
        using var expected = _f.Model.Layers[0].Call(batch);
        Assert.True(maps.allclose(expected[0], 1e-5, 1e-6));
        using var deeper = FeatureMaps.Values(_f.Model, image, "conv2d_1");
        Assert.Equal(new long[] { 8, 8, 16 }, deeper.shape);
    }

    [Fact]
    public void RenderAndFiltersDrawOneTilePerChannel()
    {
        using var image = _f.TestX[0];
        var grid = FeatureMaps.Render(_f.Model, image);
        Assert.Equal(("conv2d", 8, 8), (grid.Layer, grid.Count, grid.Total));
        using (var bitmap = SKBitmap.Decode(grid.Png)) Assert.Equal((grid.Width, grid.Height), (bitmap.Width, bitmap.Height));
        var limited = FeatureMaps.Render(_f.Model, image, "conv2d_1", maxMaps: 5);
        Assert.Equal((5, 16), (limited.Count, limited.Total));
        var filters = FeatureMaps.Filters(_f.Model);
        Assert.Equal(("conv2d", 8), (filters.Layer, filters.Total));
        using var dir = new Helpers.TempDir();
        filters.Save(dir.File("sub/filters.png"));
        Assert.True(new FileInfo(dir.File("sub/filters.png")).Length > 0);
        Assert.Throws<ArgumentException>(() => FeatureMaps.Render(_f.Model, image, "dense"));
        Assert.Throws<ArgumentException>(() => FeatureMaps.Render(_f.Model, _f.TestX));
        Assert.Throws<ArgumentException>(() => FeatureMaps.Filters(_f.Model, "global_average_pooling2d"));
    }

    [Fact]
    public void ForwardWithActivationKeepsTheActivationInTheGraph()
    {
        using var x = _f.TestX[..2].clone();
        var layer = _f.Model.Layers[2];
        var (activation, output) = _f.Model.ForwardWithActivation(x, layer, logits: false);
        using (activation)
        using (output)
        {
            using var predicted = _f.Model.Predict(x);
            Assert.True(output.allclose(predicted, 1e-5, 1e-6));
            using var score = output[.., 1].sum();
            var grad = autograd.grad(new[] { score }, new[] { activation })[0];
            Assert.Equal(activation.shape, grad.shape);
            Assert.True(grad.abs().sum().item<float>() > 0);
        }
    }

    [Fact]
    public void ModelsWithoutConvolutionRejectCamButAllowSaliency()
    {
        var dense = new Sequential(new Flatten(inputShape: (4, 4, 1)), new Dense(3, activation: "softmax"));
        var ex = Assert.Throws<ArgumentException>(() => new GradCam(dense));
        Assert.Contains("no convolution layer", ex.Message);
        using var image = rand(4, 4, 1);
        using var e = new Saliency(dense, new ExplainOptions { FaithfulnessSteps = 4 }).Explain(image);
        Assert.Equal(new long[] { 4, 4 }, e.Heatmap.shape);
        Assert.Equal(5, e.Faithfulness!.Deletion.Fractions.Count);
    }

    [Fact]
    public void BadArgumentsNameWhatIsWrong()
    {
        Assert.Contains("Layer", Assert.Throws<ArgumentException>(() => new GradCam(_f.Model, new ExplainOptions { Layer = "nope" })).Message);
        Assert.Throws<ArgumentException>(() => new GradCam(_f.Model, new ExplainOptions { FaithfulnessSteps = -1 }));
        Assert.Throws<ArgumentException>(() => Explainer.Create("lime", _f.Model));
        var cam = new GradCam(_f.Model);
        Assert.Contains("image", Assert.Throws<ArgumentException>(() => cam.Explain(zeros(8, 8, 3))).Message);
        Assert.Throws<ArgumentException>(() => cam.Explain(_f.TestX[..2]));
        using var nan = full(16, 16, 3, float.NaN);
        Assert.Throws<ArgumentException>(() => cam.Explain(nan));
        Assert.Throws<ArgumentException>(() => Faithfulness.Measure(_f.Model, _f.TestX[0], zeros(8, 8), 0));
    }

    [Fact]
    public void FaithfulnessCurvesStartAtTheImageAndEndAtTheBaseline()
    {
        using var image = _f.TestX[1];
        using var heat = rand(16, 16);
        var s = Faithfulness.Measure(_f.Model, image, heat, targetClass: 1, steps: 8, baseline: 0, randomOrders: 2, seed: 4);
        using var batch = stack(new[] { image, zeros_like(image) });
        using var p = _f.Model.Predict(batch);
        double full = p[0, 1].item<float>(), blank = p[1, 1].item<float>();
        foreach (var curve in new[] { s.Deletion, s.RandomDeletion })
        {
            Assert.Equal(full, curve.Probabilities[0], 4);
            Assert.Equal(blank, curve.Probabilities[^1], 4);
        }
        foreach (var curve in new[] { s.Insertion, s.RandomInsertion })
        {
            Assert.Equal(blank, curve.Probabilities[0], 4);
            Assert.Equal(full, curve.Probabilities[^1], 4);
        }
        Assert.Equal(Enumerable.Range(0, 9).Select(k => k / 8.0), s.Deletion.Fractions);
        // The trapezoidal area under a constant curve is that constant.
        Assert.Equal(0.5, new FaithfulnessCurve(new[] { 0.0, 0.5, 1.0 }, new[] { 0.5, 0.5, 0.5 }).Auc, 12);
    }
}
