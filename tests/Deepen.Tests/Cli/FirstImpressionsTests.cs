using Deepen.Imaging;
using Deepen.Cli;
using Deepen.Models;
using Deepen.Imaging.Figures;
using SkiaSharp;

namespace Deepen.Tests.Cli;

/// <summary>What a newcomer sees first: the command's name in help, a default model that fits the images, headings that are not cut off.</summary>
[Collection(CliCollection.Name)]
public class FirstImpressionsTests
{
    readonly TrainedModelFixture _f;

    public FirstImpressionsTests(TrainedModelFixture fixture) => _f = fixture;

    [Theory]
    [InlineData(new string[0], "deepen [command]")]
    [InlineData(new[] { "train" }, "deepen train [options]")]
    [InlineData(new[] { "explain" }, "deepen explain")]
    public void HelpNamesTheDeepenCommandNotTheAssembly(string[] command, string usage)
    {
        var r = DeepenRunner.Expect(0, command.Append("--help").ToArray());
        Assert.Contains("Usage:\n  " + usage, r.Out.Replace("\r\n", "\n"));
        Assert.DoesNotContain("Deepen.Cli", r.Out);
        Assert.DoesNotContain("testhost", r.Out);
    }

    [Theory]
    [InlineData(32, 32, "small-cnn")]
    [InlineData(45, 200, "small-cnn")]
    [InlineData(46, 46, "seed-cnn")]
    [InlineData(150, 150, "seed-cnn")]
    public void TheDefaultModelIsTheSeedCnnWhereItFitsAndTheSmallCnnBelow(int height, int width, string expected)
    {
        var (model, reason) = ModelPresets.DefaultFor((height, width));
        Assert.Equal(expected, model);
        Assert.Contains($"{width}x{height}", reason);
        // The choice must build: the seed CNN's valid convolutions fit, and one pixel less would not.
        using var built = ModelPresets.Build(model, (height, width, 3), 3);
        Assert.Equal(46, ModelPresets.SeedCnnMinimumSide);
        Assert.Throws<CliException>(() => ModelPresets.Build("seed-cnn", (45, 45, 3), 3));
    }

    [Fact]
    public void TrainWithoutModelOnSmallImagesChoosesAFittingModelAndSaysWhich()
    {
        string output = _f.NewFolder("default-model-32");
        var r = DeepenRunner.Expect(0, "train", "--train", _f.Binary.Train, "--out", output, "--image-size", "32",
            "--epochs", "1", "--batch-size", "8", "--seed", "1");
        Assert.Contains("Model: small-cnn (chosen for 32x32 images", r.Out);
        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        Assert.Equal((32, 32, 3), (model.InputShape![0], model.InputShape[1], model.InputShape[2]));
    }

    [Fact]
    public void ALongGridHeadingWrapsInsteadOfBeingCutOff()
    {
        using var font = new SKFont(SKTypeface.Default, 18);
        const string heading = "Top losses: where the model looked (Grad-CAM++, predicted class) — a heading far wider than three tiles";
        var lines = FigureStyle.Wrap(heading, font, 300);
        Assert.True(lines.Count > 1);
        Assert.Equal(heading, string.Join(" ", lines));                 // every word kept, none elided
        Assert.All(lines, l => Assert.True(font.MeasureText(l) <= 300, l));

        var tile = new GridTile(new Deepen.Imaging.ReportImage(8, 8, 1, new float[64]), new[] { ("caption", FigureStyle.Text, false) }, null);
        var shortFigure = ImageGridFigure.Render("a.png", "Short", new[] { tile }, 3, (0f, 1f));
        var longFigure = ImageGridFigure.Render("b.png", heading, new[] { tile }, 3, (0f, 1f));
        Assert.Equal(shortFigure.Width, longFigure.Width);
        Assert.True(longFigure.Height > shortFigure.Height, "a wrapped heading takes more lines");
    }
}
