using Deepen.Data.Images;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Data.Images;

public class ImageLoaderTests
{
    [Fact]
    public void LoadsChannelsLastInEachColorMode()
    {
        using var dir = new TempDir();
        string path = TestImages.Png(dir.File("a.png"), 12, 10, TestImages.Solid(100, 150, 200));
        using var rgb = ImageLoader.Load(path, (5, 6));
        Assert.Equal(new long[] { 5, 6, 3 }, rgb.shape);
        Assert.Equal(new float[] { 100, 150, 200 }, rgb[2, 3].data<float>().ToArray());
        using var rgba = ImageLoader.Load(path, (10, 12), colorMode: "rgba");
        Assert.Equal(new float[] { 100, 150, 200, 255 }, rgba[9, 11].data<float>().ToArray());
        using var gray = ImageLoader.Load(path, (10, 12), colorMode: "grayscale");
        Assert.Equal(new long[] { 10, 12, 1 }, gray.shape);
        Assert.Equal((100 * 19595 + 150 * 38470 + 200 * 7471 + 0x8000) >> 16, (int)gray[0, 0, 0].item<float>());
        File.WriteAllText(dir.File("b.png"), "not an image");
        var e = Assert.Throws<InvalidDataException>(() => ImageLoader.Load(dir.File("b.png"), (5, 5)));
        Assert.Contains("b.png", e.Message);
        Assert.Contains("text", e.Message);
    }
}
