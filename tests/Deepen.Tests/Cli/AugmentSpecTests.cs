using Deepen.Cli;
using Deepen.Data.Images;

namespace Deepen.Tests.Cli;

/// <summary>
/// <c>--augment</c>: each item reaches the ImageDataGenerator that <c>deepen train</c> builds with its Keras meaning, and
/// changes only the transform parameter it names. Checked on the generator's settings and on the random transforms it
/// draws (Keras's <c>get_random_transform</c>), over many seeds.
/// </summary>
public class AugmentSpecTests
{
    const int Draws = 200, H = 20, W = 30;

    /// <summary>The transforms the generator for <paramref name="text"/> draws for a 20×30 image, seeds 0–199.</summary>
    static TransformParameters[] Draw(string text, double validationSplit = 0)
    {
        var generator = AugmentSpec.Parse(text).Generator(validationSplit);
        return Enumerable.Range(0, Draws).Select(s => generator.GetRandomTransform((H, W, 3), s)).ToArray();
    }

    static readonly TransformParameters Identity = new();

    /// <summary>Each draw with the named parameter reset to the identity's: must be the identity transform.</summary>
    static void OnlyChanges(TransformParameters[] draws, Func<TransformParameters, TransformParameters> reset) =>
        Assert.All(draws, p => Assert.Equal(Identity, reset(p)));

    static void Varies(IEnumerable<double> values, double lower, double upper)
    {
        var v = values.ToArray();
        Assert.All(v, x => Assert.InRange(x, lower, upper));
        // Spread over the range, not stuck at one value.
        Assert.True(v.Max() - v.Min() > 0.8 * (upper - lower), $"values span {v.Min()}..{v.Max()}, expected most of {lower}..{upper}");
    }

    [Fact]
    public void RotationIsDegrees()
    {
        var g = AugmentSpec.Parse("rotation=15").Generator(0);
        Assert.Equal(15, g.RotationRange);
        var d = Draw("rotation=15");
        Varies(d.Select(p => p.Theta), -15, 15);
        OnlyChanges(d, p => p with { Theta = 0 });
    }

    [Fact]
    public void ShiftIsAFractionOfTheWidthAndHeight()
    {
        var g = AugmentSpec.Parse("shift=0.1").Generator(0);
        Assert.Equal((0.1, 0.1), (g.WidthShiftRange, g.HeightShiftRange));
        var d = Draw("shift=0.1");
        Varies(d.Select(p => p.Tx), -0.1 * W, 0.1 * W);          // pixels: 0.1 of the 30-pixel width
        Varies(d.Select(p => p.Ty), -0.1 * H, 0.1 * H);          // and of the 20-pixel height
        OnlyChanges(d, p => p with { Tx = 0, Ty = 0 });
    }

    [Fact]
    public void ShearIsDegrees()
    {
        var g = AugmentSpec.Parse("shear=0.2").Generator(0);
        Assert.Equal(0.2, g.ShearRange);                          // Keras's shear_range=0.2: degrees, as in the seed program
        var d = Draw("shear=0.2");
        Varies(d.Select(p => p.Shear), -0.2, 0.2);
        OnlyChanges(d, p => p with { Shear = 0 });
    }

    [Fact]
    public void ZoomDrawsIndependentWidthAndHeightFactors()
    {
        var g = AugmentSpec.Parse("zoom=0.2").Generator(0);
        Assert.Equal(new ZoomRange(0.8, 1.2), g.ZoomRange);
        var d = Draw("zoom=0.2");
        Varies(d.Select(p => p.Zx), 0.8, 1.2);
        Varies(d.Select(p => p.Zy), 0.8, 1.2);
        Assert.Contains(d, p => p.Zx != p.Zy);
        OnlyChanges(d, p => p with { Zx = 1, Zy = 1 });
    }

    [Fact]
    public void BrightnessIsAFactorAroundOne()
    {
        var g = AugmentSpec.Parse("brightness=0.2").Generator(0);
        Assert.Equal((0.8, 1.2), g.BrightnessRange);
        var d = Draw("brightness=0.2");
        Varies(d.Select(p => p.Brightness!.Value), 0.8, 1.2);
        OnlyChanges(d, p => p with { Brightness = null });
        Assert.Equal((0.0, 2.5), AugmentSpec.Parse("brightness=1.5").Generator(0).BrightnessRange);   // factors stay non-negative
    }

    [Theory]
    [InlineData("flip", true, false)]
    [InlineData("hflip", true, false)]
    [InlineData("vflip", false, true)]
    [InlineData("flip,vflip", true, true)]
    public void FlipsMirrorAboutHalfOfTheImages(string text, bool horizontal, bool vertical)
    {
        var g = AugmentSpec.Parse(text).Generator(0);
        Assert.Equal((horizontal, vertical), (g.HorizontalFlip, g.VerticalFlip));
        var d = Draw(text);
        int h = d.Count(p => p.FlipHorizontal), v = d.Count(p => p.FlipVertical);
        Assert.Equal(horizontal, h > 0);
        Assert.Equal(vertical, v > 0);
        if (horizontal) Assert.InRange(h, Draws * 0.35, Draws * 0.65);
        if (vertical) Assert.InRange(v, Draws * 0.35, Draws * 0.65);
        OnlyChanges(d, p => p with { FlipHorizontal = false, FlipVertical = false });
    }

    [Fact]
    public void TheSeedProgramsAugmentationAndEveryItemTogether()
    {
        // The README's `--augment shear=0.2,zoom=0.2,flip` is the seed program's ImageDataGenerator(shear_range=0.2,
        // zoom_range=0.2, horizontal_flip=True), without rescale (the CLI's models rescale themselves).
        var seed = AugmentSpec.Parse("shear=0.2,zoom=0.2,flip").Generator(0);
        Assert.Equal((0.2, new ZoomRange(0.8, 1.2), true), (seed.ShearRange, seed.ZoomRange, seed.HorizontalFlip));
        Assert.Equal((0.0, 0.0, 0.0, false), (seed.RotationRange, seed.WidthShiftRange, seed.HeightShiftRange, seed.VerticalFlip));
        Assert.Null(seed.BrightnessRange);
        Assert.Null(seed.Rescale);

        var all = AugmentSpec.Parse(" shear=0.2, zoom=0.1,rotation=10,shift=0.05,brightness=0.3,flip,vflip").Generator(0.25);
        Assert.Equal((0.2, new ZoomRange(0.9, 1.1), 10.0, 0.05, 0.05), (all.ShearRange, all.ZoomRange, all.RotationRange, all.WidthShiftRange, all.HeightShiftRange));
        Assert.Equal((0.7, 1.3), all.BrightnessRange);
        Assert.True(all.HorizontalFlip && all.VerticalFlip);
        Assert.Equal(0.25, all.ValidationSplit);
        Assert.Equal("shear=0.2,zoom=0.1,rotation=10,shift=0.05,brightness=0.3,flip,vflip", AugmentSpec.Parse(" shear=0.2, zoom=0.1,rotation=10,shift=0.05,brightness=0.3,flip,vflip").ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("none")]
    public void NoneDrawsOnlyTheIdentity(string? text)
    {
        Assert.Equal(AugmentSpec.None, AugmentSpec.Parse(text));
        OnlyChanges(Draw(text ?? ""), p => p);
    }
}
