using Deepen.Data;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Data.Sources;

public class IdxTests
{
    [Theory]
    [InlineData("images-idx3-ubyte")]
    [InlineData("images-idx3-ubyte.gz")]
    public void ByteImagesRoundTrip(string name)
    {
        using var dir = new TempDir();
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)(i * 7)).ToArray();
        using (var t = tensor(pixels, new long[] { 3, 4, 5 })) Idx.Write(dir.File(name), t);
        using var images = Idx.ReadImages(dir.File(name));
        Assert.Equal(new long[] { 3, 4, 5, 1 }, images.shape);
        Assert.Equal(ScalarType.Float32, images.dtype);
        Assert.Equal(pixels.Select(p => (float)p), images.data<float>().ToArray());
        var raw = File.ReadAllBytes(dir.File(name));
        if (name.EndsWith(".gz")) Assert.Equal(new byte[] { 0x1F, 0x8B }, raw[..2]);
        else Assert.Equal(new byte[] { 0, 0, 0x08, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5 }, raw[..16]);
    }

    [Fact]
    public void LabelsAndWiderTypesRoundTrip()
    {
        using var dir = new TempDir();
        using (var labels = tensor(new byte[] { 3, 1, 4, 1, 5 })) Idx.Write(dir.File("labels.gz"), labels);
        using var read = Idx.ReadLabels(dir.File("labels.gz"));
        Assert.Equal(ScalarType.Int64, read.dtype);
        Assert.Equal(new long[] { 3, 1, 4, 1, 5 }, read.data<long>().ToArray());

        using (var f = tensor(new float[] { 1.5f, -2.25f, 3e6f, 0, 7, 8 }, new long[] { 2, 3 })) Idx.Write(dir.File("f.idx"), f);
        using var rf = Idx.Read(dir.File("f.idx"));
        Assert.Equal(new float[] { 1.5f, -2.25f, 3e6f, 0, 7, 8 }, rf.data<float>().ToArray());
        Assert.Equal(0x0D, File.ReadAllBytes(dir.File("f.idx"))[2]);

        using (var i = tensor(new int[] { 70000, -3, 5, 6 }, new long[] { 2, 2 })) Idx.Write(dir.File("i.idx"), i);
        Assert.Equal(new float[] { 70000, -3, 5, 6 }, Idx.Read(dir.File("i.idx")).data<float>().ToArray());
    }

    [Fact]
    public void GzipIsRecognisedByContentWhateverTheName()
    {
        using var dir = new TempDir();
        using (var t = tensor(new byte[] { 9, 8, 7, 6 }, new long[] { 1, 2, 2 })) Idx.Write(dir.File("x.gz"), t);
        File.Move(dir.File("x.gz"), dir.File("x-idx3-ubyte"));
        Assert.Equal(new float[] { 9, 8, 7, 6 }, Idx.ReadImages(dir.File("x-idx3-ubyte")).data<float>().ToArray());
    }

    [Fact]
    public void BrokenFilesGiveClearErrors()
    {
        using var dir = new TempDir();
        using (var t = tensor(new byte[100], new long[] { 4, 5, 5 })) Idx.Write(dir.File("ok"), t);
        var bytes = File.ReadAllBytes(dir.File("ok"));
        File.WriteAllBytes(dir.File("short"), bytes[..60]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("short")));
        Assert.Contains("truncated", e.Message);
        File.WriteAllText(dir.File("text"), "hello world");
        Assert.Contains("not an IDX file", Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("text"))).Message);
        Assert.Contains("rank", Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(dir.File("ok"))).Message);
        Assert.Contains("float16", Assert.Throws<ArgumentException>(() => Idx.Write(dir.File("h"), zeros(2, dtype: ScalarType.Float16))).Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void LoadMnistReadsTheFourStandardFiles()
    {
        using var dir = new TempDir();
        foreach (var (split, n) in new[] { ("train", 6), ("t10k", 2) })
        {
            using var images = randint(0, 255, new long[] { n, 28, 28 }, dtype: ScalarType.Byte);
            using var labels = randint(0, 10, new long[] { n }, dtype: ScalarType.Byte);
            Idx.Write(dir.File($"{split}-images-idx3-ubyte.gz"), images);
            Idx.Write(dir.File($"{split}-labels-idx1-ubyte"), labels);
        }
        var ((xTrain, yTrain), (xTest, yTest)) = Idx.LoadMnist(dir.Path);
        Assert.Equal(new long[] { 6, 28, 28, 1 }, xTrain.shape);
        Assert.Equal(new long[] { 6 }, yTrain.shape);
        Assert.Equal(new long[] { 2, 28, 28, 1 }, xTest.shape);
        Assert.Equal(ScalarType.Int64, yTest.dtype);
        File.Delete(dir.File("t10k-labels-idx1-ubyte"));
        Assert.Contains("t10k-labels-idx1-ubyte", Assert.Throws<ArgumentException>(() => Idx.LoadMnist(dir.Path)).Message);
    }
}
