using Deepen.Explain;
using static TorchSharp.torch;

namespace Deepen.Tests.Explain;

/// <summary>
/// Each method on the corner CNN: the heatmap is where the class is decided (the bright square), it is the input's
/// size, finite and in [0, 1], and deleting pixels in its order lowers the class probability much faster than
/// deleting them at random.
/// </summary>
[Collection(CornerModelCollection.Name)]
public class CamMethodTests
{
    readonly CornerModelFixture _f;
    public CamMethodTests(CornerModelFixture fixture) => _f = fixture;

    const int Images = 16;

    [Fact]
    public void TheCornerModelLearnedTheTask()
    {
        var scores = _f.Model.Evaluate(_f.TestX, _f.TestY, verbose: 0);
        Assert.True(scores["accuracy"] >= 0.95, $"test accuracy {scores["accuracy"]}");
    }

    [Theory]
    [InlineData("gradcam")]
    [InlineData("gradcam++")]
    [InlineData("scorecam")]
    public void CamPeakLiesInTheSquareAndDeletionBeatsRandom(string method)
    {
        var explainer = Explainer.Create(method, _f.Model, new ExplainOptions { FaithfulnessSteps = 16 });
        Assert.Equal("conv2d_1", explainer.Layer!.Name);
        int inside = 0, better = 0;
        double deletion = 0, random = 0;
        for (int i = 0; i < Images; i++)
        {
            using var image = _f.TestX[i];
            using var e = explainer.Explain(image, targetClass: (int)_f.TestY[i].item<long>());
            AssertHeatmap(e);
            if (CornerImages.Inside(e.Peak, _f.TestSquares[i])) inside++;
            var s = e.Faithfulness!;
            deletion += s.Deletion.Auc / Images;
            random += s.RandomDeletion.Auc / Images;
            if (s.Deletion.Auc < s.RandomDeletion.Auc) better++;
        }
        Assert.True(inside >= Images * 0.8, $"{method}: the peak lay in the square for {inside} of {Images} images");
        Assert.True(better >= Images * 0.8, $"{method}: deletion beat random for {better} of {Images} images");
        Assert.True(deletion < random - 0.15, $"{method}: mean deletion AUC {deletion:F3} vs random {random:F3}");
    }

    [Theory]
    [InlineData("saliency")]
    [InlineData("smoothgrad")]
    public void GradientMethodsFocusOnTheSquare(string method)
    {
        var explainer = Explainer.Create(method, _f.Model, new ExplainOptions { FaithfulnessSteps = 16, SmoothGradSamples = 16 });
        Assert.Null(explainer.Layer);
        double inSquare = 0, deletion = 0, random = 0;
        for (int i = 0; i < Images; i++)
        {
            using var image = _f.TestX[i];
            using var e = explainer.Explain(image);
            AssertHeatmap(e);
            // The square is 25 of 256 pixels (~10%); a map that looks there holds much more of its mass there.
            var heat = e.Heatmap.data<float>().ToArray();
            double square = 0, rest = 0;
            for (int p = 0; p < heat.Length; p++)
                if (CornerImages.Inside((p % CornerImages.Size, p / CornerImages.Size), _f.TestSquares[i], margin: 0)) square += heat[p];
                else rest += heat[p];
            int area = CornerImages.Side * CornerImages.Side;
            inSquare += square / area / (rest / (heat.Length - area)) / Images;
            deletion += e.Faithfulness!.Deletion.Auc / Images;
            random += e.Faithfulness.RandomDeletion.Auc / Images;
        }
        Assert.True(inSquare > 1.2, $"{method}: the mean heat in the square is only {inSquare:F2} times the mean heat elsewhere");
        Assert.True(deletion < random, $"{method}: mean deletion AUC {deletion:F3} vs random {random:F3}");
    }

    [Fact]
    public void SmoothGradIsLessNoisyThanSaliencyAndRepeatable()
    {
        using var image = _f.TestX[0];
        using var vanilla = new Saliency(_f.Model, new ExplainOptions { FaithfulnessSteps = 0 }).Explain(image);
        var smooth = new SmoothGrad(_f.Model, new ExplainOptions { FaithfulnessSteps = 0, Seed = 3 });
        using var a = smooth.Explain(image);
        using var b = smooth.Explain(image);
        Assert.True(a.Heatmap.equal(b.Heatmap).all().item<bool>(), "the same seed gives the same SmoothGrad map");
        // Total variation (sum of neighbour differences) measures speckle; averaging over noise lowers it.
        Assert.True(TotalVariation(a.Heatmap) < TotalVariation(vanilla.Heatmap),
            $"SmoothGrad TV {TotalVariation(a.Heatmap):F2} vs saliency {TotalVariation(vanilla.Heatmap):F2}");
        Assert.Null(vanilla.Faithfulness);
    }

    [Fact]
    public void SaliencyEqualsTheFiniteDifferenceGradient()
    {
        // max over channels of |d(score)/d(pixel)| by central differences at a few pixels, against the map (up to its scale).
        using var image = _f.TestX[5];
        using var e = new Saliency(_f.Model, new ExplainOptions { FaithfulnessSteps = 0 }).Explain(image, targetClass: 1);
        var pixels = new[] { (2, 3), (10, 12), (7, 7) };
        var numeric = pixels.Select(p => Enumerable.Range(0, 3).Max(c => Math.Abs(ScoreDerivative(image, p.Item1, p.Item2, c, 1)))).ToArray();
        var map = pixels.Select(p => (double)e.Heatmap[p.Item2, p.Item1].item<float>()).ToArray();
        // The map is |gradient| scaled by 1 / max over all pixels (its minimum is ~0), so ratios between pixels match.
        double scale = map.Zip(numeric).Where(t => t.First > 0.05).Select(t => t.Second / t.First).First();
        for (int k = 0; k < pixels.Length; k++)
            Assert.True(Math.Abs(numeric[k] - map[k] * scale) < 0.1 * numeric.Max() + 1e-3,
                $"pixel {pixels[k]}: numeric {numeric[k]:G4}, map {map[k] * scale:G4}");
    }

    double ScoreDerivative(Tensor image, int x, int y, int channel, int target)
    {
        const float h = 2e-3f;
        double Score(float delta)
        {
            using var copy = image.clone();
            copy[y, x, channel] = copy[y, x, channel] + delta;
            using var batch = copy.unsqueeze(0);
            using var _ = no_grad();
            using var logits = _f.Model.Forward(batch, training: false, logits: true);
            return logits[0, target].item<float>();
        }
        return (Score(h) - Score(-h)) / (2 * h);
    }

    [Fact]
    public void TargetClassChangesTheMapAndNamesWork()
    {
        using var image = _f.TestX[0];                       // class 0: square top-left
        var cam = new GradCam(_f.Model, new ExplainOptions { FaithfulnessSteps = 0 });
        using var own = cam.Explain(image, "top_left");
        using var other = cam.Explain(image, 3);
        Assert.Equal(0, own.TargetClass);
        Assert.Equal("top_left", own.TargetName);
        Assert.Equal("top_left", own.PredictedName);
        Assert.Equal(3, other.TargetClass);
        Assert.Equal(0, other.PredictedClass);
        Assert.True(own.TargetProbability > other.TargetProbability);
        Assert.False(own.Heatmap.allclose(other.Heatmap), "the map depends on the class explained");
        var ex = Assert.Throws<ArgumentException>(() => cam.Explain(image, "middle"));
        Assert.Contains("top_left", ex.Message);
        Assert.Throws<ArgumentException>(() => cam.Explain(image, 4));
    }

    internal static void AssertHeatmap(Explanation e)
    {
        Assert.Equal(new long[] { CornerImages.Size, CornerImages.Size }, e.Heatmap.shape);
        Assert.Equal(ScalarType.Float32, e.Heatmap.dtype);
        Assert.True(e.Heatmap.isfinite().all().item<bool>(), "finite");
        Assert.True(e.Heatmap.min().item<float>() >= 0 && e.Heatmap.max().item<float>() <= 1, "values in [0, 1]");
        Assert.Equal(1f, e.Heatmap.max().item<float>(), 5);
    }

    static double TotalVariation(Tensor map)
    {
        using var dx = map[.., 1..] - map[.., ..^1];
        using var dy = map[1.., ..] - map[..^1, ..];
        return dx.abs().sum().item<float>() + dy.abs().sum().item<float>();
    }
}
