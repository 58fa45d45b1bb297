using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Models;

public class SequentialTests
{
    [Fact]
    public void OnlyTheFirstLayerNeedsAnInputShape()
    {
        var model = new Sequential(new Dense(8, "relu", inputShape: 3), new Dense(4), new Dense(2));
        Assert.True(model.Built);
        Assert.Equal(new Shape(3), model.InputShape);
        Assert.Equal(new Shape(2), model.OutputShape);
        Assert.Equal(new Shape(8), model.Layers[0].OutputShape);
        Assert.Equal(new Shape(8), model.Layers[1].BuiltInputShape);
    }

    [Fact]
    public void InputLayerDeclaresTheShapeAndIsNotARow()
    {
        var model = new Sequential(new Input((4, 4, 1)), new Flatten(), new Dense(3));
        Assert.Equal(new Shape(4, 4, 1), model.InputShape);
        Assert.Equal(2, model.Layers.Count);
        Assert.Equal(new Shape(16), model.Layers[0].OutputShape);
    }

    [Fact]
    public void AddBuildsEachLayerAsItComes()
    {
        var model = new Sequential(new Dense(5, inputShape: 2));
        var dense = new Dense(3);
        model.Add(dense);
        Assert.True(dense.Built);
        Assert.Equal(new Shape(5), dense.BuiltInputShape);
    }

    [Fact]
    public void LayersGetKerasStyleUniqueNames()
    {
        var model = new Sequential(new Conv2D(2, 3, inputShape: (8, 8, 1)), new Conv2D(2, 3), new MaxPooling2D(), new Flatten(),
            new Dense(2), new Dense(1, name: "out"));
        Assert.Equal(new[] { "conv2d", "conv2d_1", "max_pooling2d", "flatten", "dense", "out" }, model.Layers.Select(l => l.Name));
    }

    [Fact]
    public void SecondLayerDeclaringAnInputShapeIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Dense(4, inputShape: 3), new Dense(2, inputShape: 4)));
        Assert.Equal("layer", e.ParamName);
        Assert.Contains("\"dense\"", e.Message); // the offending layer, before it gets a unique name
        Assert.Contains("declares inputShape=(4,)", e.Message);
        Assert.Contains("only the first layer", e.Message);
    }

    [Fact]
    public void DuplicateLayerNamesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Dense(4, name: "hidden", inputShape: 3), new Dense(2, name: "hidden")));
        Assert.Equal("layer", e.ParamName);
        Assert.Contains("unique names", e.Message);
        Assert.Contains("\"hidden\"", e.Message);
    }

    [Fact]
    public void TheSameLayerObjectCannotBeAddedTwice()
    {
        var dense = new Dense(3, inputShape: 3);
        var model = new Sequential(dense);
        var e = Assert.Throws<ArgumentException>(() => model.Add(dense));
        Assert.Contains("already in this model", e.Message);
    }

    [Fact]
    public void InputAfterOtherLayersIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Dense(3, inputShape: 2), new Input(3)));
        Assert.Contains("Input can only be the first", e.Message);
    }

    [Fact]
    public void CallRunsTheLayersInOrder()
    {
        Backend.SetRandomSeed(9);
        var d1 = new Dense(3, "relu");
        var d2 = new Dense(2, "softmax");
        var model = new Sequential(new Input(4), d1, d2);
        using var x = randn(5, 4);
        using var expected = d2.Call(d1.Call(x));
        TestData.AssertTensorsClose(expected, model.Call(x), 1e-6);
    }

    [Fact]
    public void GetWeightsAndSetWeightsRoundTrip()
    {
        Backend.SetRandomSeed(10);
        var a = new Sequential(new Dense(3, inputShape: 2), new Dense(1));
        var b = new Sequential(new Dense(3, inputShape: 2), new Dense(1));
        Assert.False(TestData.SameWeights(a.GetWeights(), b.GetWeights()));
        b.SetWeights(a.GetWeights());
        Assert.True(TestData.SameWeights(a.GetWeights(), b.GetWeights()));

        var e = Assert.Throws<ArgumentException>(() => b.SetWeights(a.GetWeights().Take(2).ToList()));
        Assert.Contains("4 tensors", e.Message);
        Assert.Contains("Received: values=\"2 tensors\"", e.Message);
    }
}
