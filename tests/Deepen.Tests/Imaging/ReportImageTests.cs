using Deepen.Imaging;
using Deepen.Reports;
using SkiaSharp;

namespace Deepen.Tests.Imaging;

/// <summary>How evaluation tensors become pixels: grey, RGB, and the value range shown as black to white.</summary>
public class ReportImageTests
{
    [Fact]
    public void GreyImagesBecomeEqualRgb()
    {
        var image = new ReportImage(1, 3, 1, new[] { 0f, 0.5f, 1f });
        using var bitmap = image.ToBitmap((0, 1));
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(0, 0));
        Assert.Equal(new SKColor(128, 128, 128), bitmap.GetPixel(1, 0));
        Assert.Equal(new SKColor(255, 255, 255), bitmap.GetPixel(2, 0));
    }

    [Fact]
    public void RgbChannelsKeepTheirOrder()
    {
        var image = new ReportImage(1, 2, 3, new[] { 255f, 0, 0, 0, 0, 255 });
        using var bitmap = image.ToBitmap((0, 255));
        Assert.Equal(new SKColor(255, 0, 0), bitmap.GetPixel(0, 0));
        Assert.Equal(new SKColor(0, 0, 255), bitmap.GetPixel(1, 0));
    }

    [Fact]
    public void DisplayRangeFollowsTheValues()
    {
        Assert.Equal((0f, 1f), ReportImage.DisplayRange([new ReportImage(1, 2, 1, new[] { 0f, 0.7f })]));
        Assert.Equal((0f, 255f), ReportImage.DisplayRange([new ReportImage(1, 2, 1, new[] { 0f, 200f })]));
        Assert.Equal((-2f, 3f), ReportImage.DisplayRange([new ReportImage(1, 2, 1, new[] { -2f, 3f })]));
    }
}
