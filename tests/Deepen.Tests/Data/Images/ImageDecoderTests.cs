using Deepen.Ops;
using Deepen.Data.Images;

namespace Deepen.Tests.Data.Images;

public class ImageDecoderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(22500)]
    public void RgbaToRgbInPlaceDropsAlphaForAnyPixelCount(int pixels)
    {
        var rgba = new byte[pixels * 4];
        new Random(pixels).NextBytes(rgba);
        var expected = new byte[pixels * 3];
        for (int p = 0; p < pixels; p++) { expected[3 * p] = rgba[4 * p]; expected[3 * p + 1] = rgba[4 * p + 1]; expected[3 * p + 2] = rgba[4 * p + 2]; }
        ImageDecoder.RgbaToRgbInPlace(rgba);
        Assert.Equal(expected, rgba[..(pixels * 3)]);
    }

    [Fact]
    public void DestinationOfTheWrongSizeIsRefused()
    {
        using var dir = new Deepen.Tests.Helpers.TempDir();
        var png = File.ReadAllBytes(TestImages.Png(dir.File("a.png"), 8, 8, TestImages.Pattern(1)));
        var e = Assert.Throws<ArgumentException>(() => ImageDecoder.Decode(png, new byte[8 * 8 * 3], 8, 8, ColorMode.Rgb, Interpolation.Nearest, false));
        Assert.Contains("256", e.Message);
    }
}
