using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Merging;

public class ConcatenateTests
{
    [Fact]
    public void JoinsTheLastAxisByDefault()
    {
        var layer = new Concatenate();
        Assert.Equal(new Shape(5, 7), layer.Build(new Shape[] { (5, 3), (5, 4) }));
        var a = arange(6, dtype: ScalarType.Float32).reshape(1, 2, 3);
        var b = arange(6, 10, dtype: ScalarType.Float32).reshape(1, 2, 2);
        var y = layer.Call(new[] { a, b });
        Assert.Equal(new long[] { 1, 2, 5 }, y.shape);
        Assert.Equal(new float[] { 0, 1, 2, 6, 7, 3, 4, 5, 8, 9 }, y.data<float>().ToArray());
    }

    [Fact]
    public void AxisCountsTheBatchDimension()
    {
        var layer = new Concatenate(axis: 1);
        Assert.Equal(new Shape(7, 3), layer.ComputeOutputShape(new Shape[] { (5, 3), (2, 3) }));
        var y = layer.Call(new[] { zeros(4, 5, 3), ones(4, 2, 3) });
        Assert.Equal(new long[] { 4, 7, 3 }, y.shape);
        Assert.Equal(4 * 2 * 3, y.sum().item<float>());
        Assert.Equal(new Shape(5, 6), new Concatenate(axis: -1).ComputeOutputShape(new Shape[] { (5, 3), (5, 3) }));
        Assert.Equal(new Shape(10, 3), new Concatenate(axis: -2).ComputeOutputShape(new Shape[] { (5, 3), (5, 3) }));
    }

    [Fact]
    public void MismatchedShapesAreRejectedWithKerasMessage()
    {
        var e = Assert.Throws<ArgumentException>(() => new Concatenate().ComputeOutputShape(new Shape[] { (5, 3), (4, 3) }));
        Assert.Contains("A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[(None, 5, 3), (None, 4, 3)]", e.Message);
        var rank = Assert.Throws<ArgumentException>(() => new Concatenate().ComputeOutputShape(new Shape[] { (5, 3), 3 }));
        Assert.Contains("matching shapes", rank.Message);
    }

    [Fact]
    public void BadAxesAreRejected()
    {
        var batch = Assert.Throws<ArgumentException>(() => new Concatenate(axis: 0));
        Assert.Contains("Received: axis=0", batch.Message);
        var outOfRange = Assert.Throws<ArgumentException>(() => new Concatenate(axis: 3).ComputeOutputShape(new Shape[] { 3, 3 }));
        Assert.Contains("axis=3", outOfRange.Message);
    }

    [Fact]
    public void MasksJoinAlongTimeAndCombineOtherwise()
    {
        var m1 = tensor(new[] { true, false }).reshape(1, 2);
        var x = ones(1, 2, 3);
        var time = new Concatenate(axis: 1).ComputeMask(new[] { x, x }, new Tensor?[] { m1, null })!;
        Assert.Equal(new[] { true, false, true, true }, time.data<bool>().ToArray());
        var features = new Concatenate().ComputeMask(new[] { x, x }, new Tensor?[] { m1, null })!;
        Assert.Equal(new[] { true, false }, features.data<bool>().ToArray());
    }

    [Fact]
    public void ConfigKeepsTheAxis()
    {
        var again = (Concatenate)LayerRegistry.Create("Concatenate", new Concatenate(axis: 2, name: "joined").GetConfig());
        Assert.Equal(2, again.Axis);
        Assert.Equal("joined", again.Name);
    }

    [Fact]
    public void TwoBranchesLearnTogether()
    {
        // Each input alone says nothing about the label (its sign is the XOR of the two); both together do.
        Backend.SetRandomSeed(11);
        var r = new Random(5);
        int n = 256;
        var a = new float[n, 1]; var b = new float[n, 1]; var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i, 0] = (float)(r.NextDouble() * 2 - 1); b[i, 0] = (float)(r.NextDouble() * 2 - 1);
            y[i] = a[i, 0] * b[i, 0] > 0 ? 1 : 0;
        }
        var ia = new Input(1, name: "a");
        var ib = new Input(1, name: "b");
        var h = new Concatenate().Call(new Dense(8, "tanh").Call(ia), new Dense(8, "tanh").Call(ib));
        h = new Dense(16, "relu").Call(h);
        var model = new Model([ia, ib], new Dense(1, "sigmoid").Call(h));
        model.Compile(new Deepen.Optimizers.Adam(0.02), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit([tensor(a), tensor(b)], [tensor(y)], epochs: 60, batchSize: 64, verbose: 0);
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]}");
        Assert.True(history["loss"][^1] < history["loss"][0] / 2);
    }
}
