using Deepen.Data;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Data;

public class ArrayConverterTests
{
    [Fact]
    public void RectangularArraysKeepTheirShapeAndRowMajorOrder()
    {
        var a = new float[2, 3, 4, 1];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) a[i, j, k, 0] = i * 100 + j * 10 + k;
        using var t = ArrayConverter.ToTensor(a, "x");
        Assert.Equal(new long[] { 2, 3, 4, 1 }, t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(a.Cast<float>().ToArray(), TestData.Values(t));
    }

    [Fact]
    public void ElementTypesMapToFloatOrLong()
    {
        using var ints = ArrayConverter.ToTensor(new[] { 1, 2, 3 }, "y");
        Assert.Equal(ScalarType.Int64, ints.dtype);
        Assert.Equal(new long[] { 1, 2, 3 }, ints.data<long>().ToArray());
        using var doubles = ArrayConverter.ToTensor(new double[,] { { 0.5, 1.5 } }, "x");
        Assert.Equal(ScalarType.Float32, doubles.dtype);
        Assert.Equal(new[] { 0.5f, 1.5f }, TestData.Values(doubles));
        using var bytes = ArrayConverter.ToTensor(new byte[] { 0, 255 }, "x");
        Assert.Equal(new[] { 0f, 255f }, TestData.Values(bytes));
        using var bools = ArrayConverter.ToTensor(new[] { true, false }, "y");
        Assert.Equal(new[] { 1f, 0f }, TestData.Values(bools));
    }

    [Fact]
    public void JaggedArraysMustBeRectangular()
    {
        using var t = ArrayConverter.ToTensor(new[] { new float[] { 1, 2 }, new float[] { 3, 4 } }, "x");
        Assert.Equal(new long[] { 2, 2 }, t.shape);
        var e = Assert.Throws<ArgumentException>(() => ArrayConverter.ToTensor(new[] { new float[] { 1, 2 }, new float[] { 3 } }, "x"));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("row 1 has 1 values, expected 2", e.Message);
    }
}
