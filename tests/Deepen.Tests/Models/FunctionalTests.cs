using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Models;

public class FunctionalTests
{
    [Fact]
    public void ShapesAreInferredWhenLayersAreCalled()
    {
        var inputs = new Input((8, 8, 1));
        var x = new Conv2D(4, 3).Call(inputs);
        Assert.Equal(new Shape(6, 6, 4), x.Shape);
        x = new Flatten().Call(x);
        var y = new Dense(3, "softmax").Call(x);
        Assert.Equal(new Shape(3), y.Shape);
        var model = new Model(inputs, y);
        Assert.True(model.Built);
        Assert.True(model.IsFunctional);
        Assert.Equal(new Shape(8, 8, 1), model.InputShape);
        Assert.Equal(new Shape(3), model.OutputShape);
        Assert.Equal(new[] { "input_layer", "conv2d", "flatten", "dense" }, model.Layers.Select(l => l.Name));
        Assert.Equal("functional", model.Name);
        Assert.Equal(new long[] { 5, 3 }, model.Call(rand(5, 8, 8, 1)).shape);
    }

    [Fact]
    public void AChainComputesWhatTheSameSequentialComputes()
    {
        Backend.SetRandomSeed(1);
        var d1 = new Dense(5, "relu");
        var d2 = new Dense(2, "softmax");
        var input = new Input(3);
        var functional = new Model(input, d2.Call(d1.Call(input)));
        var x = randn(7, 3);
        var expected = d2.Call(d1.Call(x));
        Assert.True(functional.Call(x).allclose(expected));
    }

    [Fact]
    public void ASharedLayerHasOneSetOfWeights()
    {
        Backend.SetRandomSeed(2);
        var shared = new Dense(4, name: "shared");
        var a = new Input(3, name: "a");
        var b = new Input(3, name: "b");
        var model = new Model([a, b], new Subtract().Call(shared.Call(a), shared.Call(b)));
        Assert.Single(model.Layers, l => l == shared);
        Assert.Equal(2, model.Weights.Count());          // one kernel, one bias
        Assert.Equal(16, model.CountParams());
        // shared(x) - shared(x) = 0 for equal inputs; and = W(xa - xb) in general.
        var xa = randn(5, 3); var xb = randn(5, 3);
        Assert.True(model.Call([xa, xa])[0].abs().max().item<float>() < 1e-6);
        var expected = nn.functional.linear(xa - xb, shared.Kernel.Value);
        Assert.True(model.Call([xa, xb])[0].allclose(expected, atol: 1e-5));
    }

    [Fact]
    public void SiameseGraphWithSharedLayersTrains()
    {
        // Two inputs through one shared encoder; label 1 when they are the same point (up to noise), 0 otherwise.
        Backend.SetRandomSeed(4);
        var r = new Random(9);
        int n = 512;
        var a = new float[n, 4]; var b = new float[n, 4]; var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool same = i % 2 == 0;
            for (int j = 0; j < 4; j++)
            {
                a[i, j] = (float)TestData.Gaussian(r);
                b[i, j] = same ? a[i, j] + 0.05f * (float)TestData.Gaussian(r) : (float)TestData.Gaussian(r);
            }
            y[i] = same ? 1 : 0;
        }
        var encoder = new Dense(16, "tanh", name: "encoder");
        var ia = new Input(4); var ib = new Input(4);
        var distance = new Subtract().Call(encoder.Call(ia), encoder.Call(ib));
        var squared = new Multiply().Call(distance, distance);
        var output = new Dense(1, "sigmoid").Call(squared);
        var model = new Model([ia, ib], output);
        model.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit([tensor(a), tensor(b)], [tensor(y)], epochs: 25, batchSize: 64, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.5, $"loss {history["loss"][0]} → {history["loss"][^1]}");
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]}");
    }

    [Fact]
    public void BranchesTrainThroughTheSingleInputPath()
    {
        // Inception-style: two branches of different kinds, concatenated; trained with Fit(Tensor, Tensor).
        Backend.SetRandomSeed(5);
        var (x, y) = TestData.TwoMoons(300, 0.1, seed: 3);
        var input = new Input(2);
        var left = new Dense(16, "relu").Call(input);
        var right = new Dense(16, "tanh").Call(input);
        var h = new Concatenate().Call(left, right);
        var model = new Model(input, new Dense(1, "sigmoid").Call(h));
        model.Compile(new Adam(0.03), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, epochs: 40, batchSize: 32, verbose: 0);
        Assert.True(history["accuracy"][^1] > 0.95, $"accuracy {history["accuracy"][^1]}");
        var scores = model.Evaluate(x, y, verbose: 0);
        Assert.True(scores["accuracy"] > 0.95);
        Assert.Equal(new long[] { 300, 1 }, model.Predict(x).shape);
    }

    [Fact]
    public void LayerNamesAreUniqueAndExplicitDuplicatesRejected()
    {
        var input = new Input(3);
        var model = new Model(input, new Dense(2).Call(new Dense(2).Call(new Dense(2, name: "dense").Call(input))));
        Assert.Equal(new[] { "input_layer", "dense", "dense_1", "dense_2" }, model.Layers.Select(l => l.Name));

        var i2 = new Input(3);
        var e = Assert.Throws<ArgumentException>(() => new Model(i2, new Dense(2, name: "x").Call(new Dense(2, name: "x").Call(i2))));
        Assert.Contains("The name \"x\" is used 2 times in the model. All layer names should be unique.", e.Message);
    }

    [Fact]
    public void DisconnectedGraphsAreRejected()
    {
        var a = new Input(3, name: "a");
        var b = new Input(3, name: "b");
        var sum = new Add().Call(a, b);
        var e = Assert.Throws<ArgumentException>(() => new Model(a, sum));
        Assert.Contains("Graph disconnected", e.Message);
        Assert.Contains("\"b\"", e.Message);
    }

    [Fact]
    public void InputsMustBeInputTensors()
    {
        var a = new Input(3);
        var h = new Dense(2).Call(a);
        var e = Assert.Throws<ArgumentException>(() => new Model(h, new Dense(1).Call(h)));
        Assert.Contains("must come directly from an Input", e.Message);
        var twice = Assert.Throws<ArgumentException>(() => new Model([a, a], h));
        Assert.Contains("given twice", twice.Message);
        Assert.Throws<ArgumentException>(() => new Model(Array.Empty<KerasTensor>(), h));
    }

    [Fact]
    public void CallErrorsNameTheLayerAndTheShapes()
    {
        var a = new Input(3); var b = new Input(3);
        var many = Assert.Throws<ArgumentException>(() => new Dense(2, name: "d").Call(a, b));
        Assert.Contains("Layer \"d\" expects 1 input, but it received 2 input tensors.", many.Message);
        var shared = new Dense(2, name: "s");
        shared.Call(a);
        var shape = Assert.Throws<ArgumentException>(() => shared.Call(new Input(4)));
        Assert.Contains("built for input shape (None, 3), received (None, 4)", shape.Message);
        Assert.Throws<InvalidOperationException>(() => new Input(3).Call(new Input(3)));
    }

    [Fact]
    public void SingleTensorCallsOnMultiInputModelsAreRejected()
    {
        var a = new Input(2); var b = new Input(2);
        var model = new Model([a, b], new Add().Call(a, b));
        model.Compile("sgd", "mse");
        var e = Assert.Throws<ArgumentException>(() => model.Fit(ones(4, 2), ones(4, 2), verbose: 0));
        Assert.Contains("has 2 input(s) and 1 output(s)", e.Message);
        var count = Assert.Throws<ArgumentException>(() => model.Call([ones(4, 2)]));
        Assert.Contains("expects 2 input(s)", count.Message);
        var shape = Assert.Throws<ArgumentException>(() => model.Call([ones(4, 2), ones(4, 3)]));
        Assert.Contains("expected shape=(None, 2), found shape=(4, 3)", shape.Message);
    }

    sealed class ZeroMask : Layer
    {
        // Marks time steps whose features are all zero as padding (as Masking(mask_value=0) does).
        public override Tensor Call(Tensor x, bool training = false) => x.alias();
        public override Shape ComputeOutputShape(Shape s) => s;
        public override Tensor? ComputeMask(Tensor x, Tensor? mask) => x.ne(0).any(-1);
    }

    sealed class MaskedMean : Layer
    {
        // The mean over real time steps: [batch, time, features] → [batch, features].
        public override Tensor Call(Tensor x, bool training = false) => x.mean(new long[] { 1 });
        public override Tensor Call(Tensor x, Tensor? mask, bool training)
        {
            if (mask is null) return Call(x, training);
            var m = mask.unsqueeze(-1).to(x.dtype);
            return (x * m).sum(1) / m.sum(1).clamp_min(1);
        }
        public override Shape ComputeOutputShape(Shape s) => new(s[-1]);
    }

    [Fact]
    public void MasksFlowThroughTheGraphAndMergeLayers()
    {
        var input = new Input((3, 2));
        var masked = new ZeroMask().Call(input);
        var doubled = new Add().Call(masked, masked);               // the Add keeps the mask (AND of both)
        var model = new Model(input, new MaskedMean().Call(doubled));
        // Sample 0: steps (1,2), (3,4), padding. Sample 1: (1,1) then padding.
        var x = tensor(new float[] { 1, 2, 3, 4, 0, 0, 1, 1, 0, 0, 0, 0 }).reshape(2, 3, 2);
        var y = model.Call(x);
        Assert.Equal(new float[] { 4, 6, 2, 2 }, y.data<float>().ToArray());   // 2 × mean of the real steps
    }
}
