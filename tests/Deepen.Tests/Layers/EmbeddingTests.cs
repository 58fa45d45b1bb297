using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class EmbeddingTests
{
    [Fact]
    public void LooksUpTheRowOfEachId()
    {
        Backend.SetRandomSeed(1);
        var layer = new Embedding(5, 3);
        Assert.Equal(new Shape(4, 3), layer.Build(4));
        Assert.Equal(new long[] { 5, 3 }, layer.Embeddings.Shape);
        var table = TestData.Values(layer.Embeddings.Value);
        Assert.All(table, v => Assert.InRange(v, -0.05f, 0.05f));   // Keras's "uniform" initializer

        long[] ids = { 4, 0, 2, 2, 1, 3, 0, 4 };
        using var y = layer.Call(tensor(ids, new long[] { 2, 4 }));
        Assert.Equal(new long[] { 2, 4, 3 }, y.shape);
        var v = TestData.Values(y);
        for (int i = 0; i < ids.Length; i++)
            for (int d = 0; d < 3; d++)
                Assert.Equal(table[ids[i] * 3 + d], v[i * 3 + d]);
    }

    [Fact]
    public void MaskZeroMarksRealTokensAndOtherwiseNoMask()
    {
        using var ids = tensor(new long[] { 3, 1, 0, 0, 2, 0 }, new long[] { 2, 3 });
        var masked = new Embedding(4, 2, maskZero: true);
        masked.Build(3);
        using var mask = masked.ComputeMask(ids, null)!;
        Assert.Equal(ScalarType.Bool, mask.dtype);
        Assert.Equal(new[] { true, true, false, false, true, false }, mask.flatten().data<bool>().ToArray());
        var plain = new Embedding(4, 2);
        plain.Build(3);
        Assert.Null(plain.ComputeMask(ids, null));
    }

    [Fact]
    public void IntArraysTrainAsInt64AndMatchFloatIds()
    {
        // A model starting with an Embedding trains on int[,] ids: the ids stay integers end to end.
        Backend.SetRandomSeed(2);
        var r = new Random(2);
        int n = 256;
        var x = new int[n, 6];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < 6; t++) x[i, t] = r.Next(1, 10);
            y[i] = x[i, 0] >= 5 ? 1 : 0;          // depends on the first token only
        }
        var model = new Sequential(new Embedding(10, 8, inputShape: 6), new Flatten(), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 30, batchSize: 32, verbose: 0);
        Assert.True(model.Evaluate(x, y, verbose: 0)["accuracy"] > 0.95);

        using var fromInts = model.Predict(x);
        var asFloat = new float[n, 6];
        for (int i = 0; i < n; i++) for (int t = 0; t < 6; t++) asFloat[i, t] = x[i, t];
        using var fromFloats = model.Predict(asFloat);
        TestData.AssertTensorsClose(fromInts, fromFloats, 0);
    }

    [Fact]
    public void DenseAndConvAcceptIntegerInputs()
    {
        var dense = new Dense(2);
        dense.Build(3);
        using var xi = tensor(new long[] { 1, 2, 3 }, new long[] { 1, 3 });
        using var xf = tensor(new float[] { 1, 2, 3 }, new long[] { 1, 3 });
        TestData.AssertTensorsClose(dense.Call(xf), dense.Call(xi), 0);
    }

    [Fact]
    public void SavesAndLoads()
    {
        Backend.SetRandomSeed(3);
        var model = new Sequential(new Embedding(7, 4, maskZero: true, inputLength: 5), new Flatten());
        using var x = tensor(new long[] { 1, 2, 0, 0, 0, 6, 5, 4, 3, 2 }, new long[] { 2, 5 });
        var loaded = LayerRoundTrip.AssertSamePredictions(model, x);
        var e = (Embedding)loaded.Layers[0];
        Assert.True(e.MaskZero);
        Assert.Equal(5, e.InputLength);
    }

    [Fact]
    public void RejectsBadArgumentsAndOutOfRangeIds()
    {
        Assert.Contains("Received: inputDim=0", Assert.Throws<ArgumentException>(() => new Embedding(0, 3)).Message);
        Assert.Contains("Received: outputDim=-1", Assert.Throws<ArgumentException>(() => new Embedding(3, -1)).Message);
        Assert.Contains("inputDim", Assert.Throws<ArgumentException>(() => new Embedding(1, 3, maskZero: true)).Message);
        var layer = new Embedding(3, 2);
        layer.Build(2);
        var high = Assert.Throws<ArgumentException>(() => layer.Call(tensor(new long[] { 0, 3 }, new long[] { 1, 2 })));
        Assert.Contains("id 3", high.Message);
        Assert.Contains("inputDim=3", high.Message);
        Assert.Contains("id -1", Assert.Throws<ArgumentException>(() => layer.Call(tensor(new long[] { -1, 0 }, new long[] { 1, 2 }))).Message);
        Assert.Contains("integer ids", Assert.Throws<ArgumentException>(() => layer.Call(tensor(new float[] { 0.5f, 1 }, new long[] { 1, 2 }))).Message);
    }
}
