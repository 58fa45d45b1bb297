using System.Text.Json;
using Deepen.Data.Images;
using Deepen.Explain;
using Deepen.Models;
using Deepen.Tests.Data;
using SkiaSharp;

namespace Deepen.Tests.Cli;

/// <summary>
/// <c>deepen explain</c> and <c>deepen features</c> on the fixture's models: the JSON fields, peak coordinates in the
/// original image's pixels (an input larger than, and not shaped like, the model's 16×16 input), overlay PNGs of the
/// original size, every method, and bad arguments with their exit codes.
/// </summary>
[Collection(CliCollection.Name)]
public class ExplainCommandTests
{
    const int Width = 48, Height = 40;
    readonly TrainedModelFixture _f;

    public ExplainCommandTests(TrainedModelFixture fixture) => _f = fixture;

    /// <summary>A 48×40 image of class zebra (its blue square bottom-left, scaled from the 16×16 training images).</summary>
    string ZebraImage()
    {
        string path = Path.Combine(_f.NewFolder("explain-input"), "zebra_big.png");
        var r = new Random(3);
        var noise = new byte[Height, Width];
        for (int y = 0; y < Height; y++) for (int x = 0; x < Width; x++) noise[y, x] = (byte)r.Next(0, 50);
        int side = 16;                           // 6/16 of the width, 15/40 of the height → about 16 pixels
        return TestImages.Png(path, Width, Height, (x, y) =>
            x >= 2 && x < 2 + side && y >= Height - 2 - side && y < Height - 2 ? ((byte)60, (byte)60, (byte)255) : (noise[y, x], noise[y, x], noise[y, x]));
    }

    [Fact]
    public void JsonGivesPredictionPeakInOriginalPixelsAndDeletionScores()
    {
        string image = ZebraImage();
        string outDir = _f.NewFolder("explain-out");
        var r = DeepenRunner.Expect(0, "explain", "--model", _f.Multi.ModelPath, image, "--method", "gradcam++", "--out", outDir, "--json");
        var root = r.Json();
        Assert.Equal("gradcam++", root.GetProperty("method").GetString());
        var e = Assert.Single(root.GetProperty("images").EnumerateArray());
        Assert.Equal(image, e.GetProperty("path").GetString());
        Assert.Equal(Width, e.GetProperty("width").GetInt32());
        Assert.Equal(Height, e.GetProperty("height").GetInt32());
        Assert.Equal("zebra", e.GetProperty("predicted_class").GetString());
        Assert.Equal("zebra", e.GetProperty("target_class").GetString());
        Assert.InRange(e.GetProperty("probability").GetDouble(), 1.0 / 3, 1);
        int peakX = e.GetProperty("peak_x").GetInt32(), peakY = e.GetProperty("peak_y").GetInt32();
        // In the original 48×40 image's pixels: the square is bottom-left there.
        Assert.InRange(peakX, 0, Width / 2 - 1);
        Assert.InRange(peakY, Height / 2, Height - 1);
        foreach (var curve in new[] { "deletion", "insertion" })
        {
            Assert.InRange(e.GetProperty(curve).GetProperty("explanation").GetDouble(), 0, 1);
            Assert.InRange(e.GetProperty(curve).GetProperty("random").GetDouble(), 0, 1);
        }
        Assert.True(e.GetProperty("deletion").GetProperty("explanation").GetDouble() < e.GetProperty("deletion").GetProperty("random").GetDouble());

        // The same peak through the library: the heatmap of the 16×16 model input, resized to the original size.
        using var model = Model.Load(_f.Multi.ModelPath);
        using var input = ImageLoader.Load(image, new Size2(16, 16), "rgb");
        using var explanation = new GradCamPlusPlus(model, new ExplainOptions { FaithfulnessSteps = 0 }).Explain(input);
        Assert.Equal((peakX, peakY), explanation.PeakAt(Height, Width));

        string overlay = e.GetProperty("overlay").GetString()!;
        Assert.Equal(Path.Combine(Path.GetFullPath(outDir), "zebra_big.gradcampp.png"), overlay);
        using var bitmap = SKBitmap.Decode(overlay);
        Assert.Equal((Width, Height), (bitmap.Width, bitmap.Height));
    }

    [Theory]
    [InlineData("gradcam")]
    [InlineData("gradcam++")]
    [InlineData("scorecam")]
    [InlineData("saliency")]
    [InlineData("smoothgrad")]
    public void EveryMethodWritesAnOverlayPerImage(string method)
    {
        string outDir = _f.NewFolder("explain-" + method.Replace("+", "p"));
        string a = Path.Combine(_f.Test, "Mango", "t00.png"), b = Path.Combine(_f.Test, "apple", "t01.png");
        var r = DeepenRunner.Expect(0, "explain", "--model", _f.Multi.ModelPath, a, b, "--method", method, "--out", outDir);
        Assert.Equal(2, r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("deletion AUC", r.Out);
        Assert.Equal(2, Directory.GetFiles(outDir, "*.png").Length);
    }

    /// <summary>The explainer class each <c>--method</c> name must run, made directly (not through <see cref="Explainer.Create"/>).</summary>
    static Explainer Direct(string method, Model model) => method switch
    {
        "gradcam" => new GradCam(model),
        "gradcam++" => new GradCamPlusPlus(model),
        "scorecam" => new ScoreCam(model),
        "saliency" => new Saliency(model),
        "smoothgrad" => new SmoothGrad(model),
        _ => throw new ArgumentException(method),
    };

    [Fact]
    public void EachMethodRunsItsOwnExplainerClass()
    {
        // The CLI's overlay and scores for each --method must be exactly what the named class computes; and the five
        // classes must disagree with each other on this image, so that a method mapped to another class is caught.
        string image = ZebraImage();
        using var model = Model.Load(_f.Multi.ModelPath);
        using var input = ImageLoader.Load(image, new Size2(16, 16), "rgb");
        using var original = ImageLoader.Load(image, new Size2(Height, Width), "rgb");
        var overlays = new Dictionary<string, byte[]>();
        foreach (var method in Explainer.Methods)
        {
            string outDir = _f.NewFolder("explain-map-" + method.Replace("+", "p"));
            var e = DeepenRunner.Expect(0, "explain", "--model", _f.Multi.ModelPath, image, "--method", method, "--out", outDir, "--json")
                .Json().GetProperty("images")[0];
            var explainer = Direct(method, model);
            using var expected = explainer.Explain(input);
            Assert.Equal(explainer.Method, e.GetProperty("method").GetString());
            Assert.Equal(explainer.Layer?.Name, e.GetProperty("layer").GetString());
            Assert.Equal(expected.PeakAt(Height, Width), (e.GetProperty("peak_x").GetInt32(), e.GetProperty("peak_y").GetInt32()));
            var f = expected.Faithfulness!;
            Assert.Equal(Math.Round(f.Deletion.Auc, 6), e.GetProperty("deletion").GetProperty("explanation").GetDouble());
            Assert.Equal(Math.Round(f.Insertion.Auc, 6), e.GetProperty("insertion").GetProperty("explanation").GetDouble());
            string mine = Path.Combine(_f.NewFolder("explain-direct"), "direct.png");
            expected.SaveOverlay(mine, original);
            overlays[method] = File.ReadAllBytes(e.GetProperty("overlay").GetString()!);
            Assert.True(File.ReadAllBytes(mine).AsSpan().SequenceEqual(overlays[method]), $"--method {method}: the overlay differs from {explainer.GetType().Name}'s");
        }
        var methods = overlays.Keys.ToArray();
        for (int i = 0; i < methods.Length; i++)
            for (int j = i + 1; j < methods.Length; j++)
                Assert.False(overlays[methods[i]].AsSpan().SequenceEqual(overlays[methods[j]]), $"{methods[i]} and {methods[j]} give the same overlay");
    }

    [Fact]
    public void ClassAndLayerChooseWhatIsExplained()
    {
        string image = Path.Combine(_f.Test, "Mango", "t02.png");
        var r = DeepenRunner.Expect(0, "explain", "--model", _f.Multi.ModelPath, image, "--class", "apple", "--layer", "conv2d",
            "--out", _f.NewFolder("explain-class"), "--json");
        var e = r.Json().GetProperty("images")[0];
        Assert.Equal("apple", e.GetProperty("target_class").GetString());
        Assert.Equal("conv2d", e.GetProperty("layer").GetString());
        var binary = DeepenRunner.Expect(0, "explain", "--model", _f.Binary.ModelPath, Path.Combine(_f.Binary.Train, "dog", "dog_00.png"),
            "--out", _f.NewFolder("explain-binary"), "--json").Json().GetProperty("images")[0];
        Assert.Contains(binary.GetProperty("predicted_class").GetString(), TrainedModelFixture.BinaryClasses);
    }

    [Fact]
    public void BadArgumentsFailWithTheirExitCodes()
    {
        string image = Path.Combine(_f.Test, "Mango", "t00.png"), outDir = _f.NewFolder("explain-bad");
        DeepenRunner.ExpectError(2, new[] { "explain", "--model", _f.Multi.ModelPath, image, "--method", "lime", "--out", outDir }, "--method", "lime");
        DeepenRunner.ExpectError(2, new[] { "explain", "--model", _f.Multi.ModelPath, image, "--layer", "nope", "--out", outDir }, "--layer", "nope");
        DeepenRunner.ExpectError(2, new[] { "explain", "--model", _f.Multi.ModelPath, image, "--layer", "dense", "--out", outDir }, "--layer", "4-D");
        DeepenRunner.ExpectError(2, new[] { "explain", "--model", _f.Multi.ModelPath, image, "--class", "banana", "--out", outDir }, "--class", "banana");
        DeepenRunner.ExpectError(2, new[] { "explain", "--model", _f.Multi.ModelPath, image, "--bogus", "--out", outDir }, "--bogus");
        DeepenRunner.ExpectError(2, new[] { "explain", image, "--out", outDir }, "--model");
        DeepenRunner.ExpectError(3, new[] { "explain", "--model", _f.Multi.ModelPath, "missing.png", "--out", outDir }, "missing.png");
        DeepenRunner.ExpectError(3, new[] { "explain", "--model", "missing.deepen", image, "--out", outDir }, "missing.deepen");
        DeepenRunner.ExpectError(4, new[] { "explain", "--model", _f.GarbageModel(), image, "--out", outDir }, "--model");
        string notImage = Path.Combine(_f.NewFolder("explain-text"), "notes.png");
        File.WriteAllText(notImage, "not an image");
        DeepenRunner.ExpectError(4, new[] { "explain", "--model", _f.Multi.ModelPath, notImage, "--out", outDir }, "notes.png");
    }

    [Fact]
    public void FeaturesWritesTheMapGridAndTheFilters()
    {
        string outDir = _f.NewFolder("features");
        string image = Path.Combine(_f.Test, "apple", "t00.png");
        var r = DeepenRunner.Expect(0, "features", "--model", _f.Multi.ModelPath, image, "--out", outDir);
        Assert.Contains("Feature maps of conv2d", r.Out);
        string grid = Path.Combine(outDir, "t00.conv2d.features.png");
        using (var bitmap = SKBitmap.Decode(grid)) Assert.True(bitmap.Width > 100 && bitmap.Height > 100);
        Assert.True(File.Exists(Path.Combine(outDir, "filters.png")));
        DeepenRunner.Expect(0, "features", "--model", _f.Multi.ModelPath, image, "--layer", "conv2d_1", "--out", outDir);
        Assert.True(File.Exists(Path.Combine(outDir, "t00.conv2d_1.features.png")));
        DeepenRunner.ExpectError(2, new[] { "features", "--model", _f.Multi.ModelPath, image, "--layer", "flatten", "--out", outDir }, "--layer", "flatten");
        DeepenRunner.ExpectError(3, new[] { "features", "--model", _f.Multi.ModelPath, "nothing.png", "--out", outDir }, "nothing.png");
    }
}
