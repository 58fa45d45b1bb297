using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Merging;

public class MergeTests
{
    static Tensor T(float[] values, params long[] shape) => tensor(values).reshape(shape);

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void ElementwiseLayersMatchClosedForms()
    {
        var a = T(new float[] { 1, -2, 3, 4, 0, 6 }, 2, 3);
        var b = T(new float[] { 2, 5, -1, 4, 7, -3 }, 2, 3);
        var c = T(new float[] { 0, 1, 1, -9, 2, 3 }, 2, 3);
        float[] x = Values(a), y = Values(b), z = Values(c);
        var cases = new (Merge Layer, Func<int, float> Expected)[]
        {
            (new Add(), i => x[i] + y[i] + z[i]),
            (new Multiply(), i => x[i] * y[i] * z[i]),
            (new Average(), i => (x[i] + y[i] + z[i]) / 3),
            (new Maximum(), i => Math.Max(x[i], Math.Max(y[i], z[i]))),
            (new Minimum(), i => Math.Min(x[i], Math.Min(y[i], z[i]))),
        };
        foreach (var (layer, expected) in cases)
        {
            Assert.Equal(new Shape(3), layer.Build(new Shape[] { 3, 3, 3 }));
            var output = Values(layer.Call(new[] { a, b, c }));
            for (int i = 0; i < 6; i++) Assert.Equal(expected(i), output[i], 5);
        }
        var diff = Values(new Subtract().Call(new[] { a, b }));
        for (int i = 0; i < 6; i++) Assert.Equal(x[i] - y[i], diff[i], 5);
    }

    [Fact]
    public void InputsAreNotModified()
    {
        var a = ones(2, 3);
        var b = full(2, 3, 2f);
        new Add().Call(new[] { a, b, b });
        new Multiply().Call(new[] { a, b, b });
        Assert.All(Values(a), v => Assert.Equal(1f, v));
        Assert.All(Values(b), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void ShapesBroadcastAsInKeras()
    {
        Assert.Equal(new Shape(4, 3), new Add().ComputeOutputShape(new Shape[] { (4, 3), (1, 3) }));
        Assert.Equal(new Shape(4, 3), new Multiply().ComputeOutputShape(new Shape[] { (4, 3), 3 }));
        // A lower-rank input gets new axes after the batch axis: [batch, 3] + [batch, 4, 3].
        var sum = new Add().Call(new[] { T(new float[] { 1, 2, 3 }, 1, 3), zeros(1, 4, 3) });
        Assert.Equal(new long[] { 1, 4, 3 }, sum.shape);
        Assert.Equal(new float[] { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3 }, Values(sum));
    }

    [Fact]
    public void IncompatibleShapesAreRejectedWithKerasMessage()
    {
        var e = Assert.Throws<ArgumentException>(() => new Add().Call(new Input(3), new Input(4)));
        Assert.Contains("Inputs have incompatible shapes. Received shapes (None, 3) and (None, 4)", e.Message);
    }

    [Fact]
    public void TooFewInputsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Add().Call(new Input(3)));
        Assert.Contains("at least 2 inputs. Got 1 inputs", e.Message);
        var s = Assert.Throws<ArgumentException>(() => new Subtract().Call(new Input(3), new Input(3), new Input(3)));
        Assert.Contains("A `Subtract` layer should be called on exactly 2 inputs. Received: 3 inputs.", s.Message);
        var single = Assert.Throws<ArgumentException>(() => new Maximum().Call(ones(2, 3)));
        Assert.Contains("A merge layer should be called on a list of inputs", single.Message);
    }

    [Fact]
    public void DifferentBatchSizesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Add().Call(new[] { ones(2, 3), ones(3, 3) }));
        Assert.Contains("different batch sizes", e.Message);
        Assert.Contains("(2, 3), (3, 3)", e.Message);
    }

    [Fact]
    public void MaskIsTheAndOfTheInputMasks()
    {
        var m1 = tensor(new[] { true, true, false, true }).reshape(1, 4);
        var m2 = tensor(new[] { true, false, false, true }).reshape(1, 4);
        var x = ones(1, 4, 2);
        var add = new Add();
        var mask = add.ComputeMask(new[] { x, x }, new Tensor?[] { m1, m2 })!;
        Assert.Equal(new[] { true, false, false, true }, mask.data<bool>().ToArray());
        Assert.Same(m1, add.ComputeMask(new[] { x, x }, new Tensor?[] { m1, null }));
        Assert.Null(add.ComputeMask(new[] { x, x }, new Tensor?[] { null, null }));
    }

    [Fact]
    public void ConfigsRebuildTheLayers()
    {
        foreach (var layer in new Layer[] { new Add(name: "a"), new Subtract(name: "s"), new Multiply(name: "m"), new Average(name: "v"), new Maximum(name: "x"), new Minimum(name: "n") })
        {
            var again = LayerRegistry.Create(layer.ClassName, layer.GetConfig());
            Assert.IsType(layer.GetType(), again);
            Assert.Equal(layer.Name, again.Name);
            Assert.True(again.TakesMultipleInputs);
        }
    }

    [Fact]
    public void AddTrainsAResidualSum()
    {
        // y = x + f(x) where the target is 3x: the Dense branch must learn 2x.
        Backend.SetRandomSeed(3);
        var input = new Input(1);
        var branch = new Dense(1).Call(input);
        var model = new Model(input, new Add().Call(input, branch));
        model.Compile(new Deepen.Optimizers.SGD(0.5), "mse");
        var x = linspace(-1, 1, 64).reshape(64, 1);
        model.Fit(x, x * 3, epochs: 100, batchSize: 64, verbose: 0);
        var kernel = ((Dense)model.Layers[1]).Kernel.Value.item<float>();
        Assert.Equal(2f, kernel, 2);
    }
}
