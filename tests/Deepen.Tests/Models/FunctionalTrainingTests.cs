using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using static TorchSharp.torch;

namespace Deepen.Tests.Models;

public class FunctionalTrainingTests
{
    /// <summary>x [n, 4]; class = argmax of the first three features; value = sum of the features.</summary>
    static (Tensor X, Tensor Label, Tensor Value) Data(int n, int seed)
    {
        var g = new Random(seed);
        var x = new float[n * 4];
        var label = new long[n];
        var value = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (float)(g.NextDouble() * 2 - 1);
            label[i] = x[i * 4] > x[i * 4 + 1] ? (x[i * 4] > x[i * 4 + 2] ? 0 : 2) : (x[i * 4 + 1] > x[i * 4 + 2] ? 1 : 2);
            value[i] = x[i * 4] + x[i * 4 + 1] + x[i * 4 + 2] + x[i * 4 + 3];
        }
        return (tensor(x).reshape(n, 4), tensor(label), tensor(value).reshape(n, 1));
    }

    static Model TwoHeads()
    {
        var input = new Input(4, name: "features");
        var h = new Dense(32, "relu", name: "trunk").Call(input);
        var cls = new Dense(3, "softmax", name: "cls").Call(h);
        var reg = new Dense(1, name: "reg").Call(h);
        return new Model(input, [cls, reg]);
    }

    [Fact]
    public void MultiOutputFitReportsKerasKeysAndLearnsBothHeads()
    {
        Backend.SetRandomSeed(7);
        var (x, label, value) = Data(600, 1);
        var model = TwoHeads();
        Assert.Equal(new[] { "cls", "reg" }, model.OutputNames);
        model.Compile(new Adam(0.01), ["sparse_categorical_crossentropy", "mse"], ["accuracy"]);
        var history = model.Fit([x], [label, value], epochs: 30, batchSize: 32, validationSplit: 0.2, verbose: 0);
        foreach (var key in new[] { "loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_accuracy", "val_loss", "val_cls_loss", "val_reg_loss", "val_cls_accuracy" })
            Assert.True(history.Contains(key), $"missing {key}; have {string.Join(", ", history.Keys)}");
        // The total is the sum of the outputs' losses.
        Assert.Equal(history["cls_loss"][^1] + history["reg_loss"][^1], history["loss"][^1], 3);
        Assert.True(history["val_cls_accuracy"][^1] > 0.85, $"val_cls_accuracy {history["val_cls_accuracy"][^1]}");
        Assert.True(history["val_reg_loss"][^1] < 0.05, $"val_reg_loss {history["val_reg_loss"][^1]}");

        var scores = model.Evaluate([x], [label, value], verbose: 0);
        Assert.Equal(scores["cls_loss"] + scores["reg_loss"], scores["loss"], 3);
        var predictions = model.Predict([x]);
        Assert.Equal(2, predictions.Length);
        Assert.Equal(new long[] { 600, 3 }, predictions[0].shape);
        Assert.Equal(new long[] { 600, 1 }, predictions[1].shape);
        Assert.True(predictions[0].sum(1).allclose(ones(600), atol: 1e-4));     // softmax probabilities, not logits
    }

    [Fact]
    public void LossWeightsScaleTheTotal()
    {
        Backend.SetRandomSeed(8);
        var (x, label, value) = Data(64, 2);
        var model = TwoHeads();
        model.Compile("sgd", ["sparse_categorical_crossentropy", "mse"], lossWeights: [2.0, 0.5]);
        var scores = model.Evaluate([x], [label, value], verbose: 0);
        Assert.Equal(2 * scores["cls_loss"] + 0.5 * scores["reg_loss"], scores["loss"], 4);
    }

    [Fact]
    public void OneLossAppliesToEveryOutput()
    {
        var input = new Input(2);
        var model = new Model(input, [new Dense(1, name: "a").Call(input), new Dense(1, name: "b").Call(input)]);
        model.Compile("sgd", "mse");
        Assert.Equal(2, model.Losses.Count);
        var y = ones(8, 1);
        var scores = model.Evaluate([ones(8, 2)], [y, y], verbose: 0);
        Assert.Equal(scores["a_loss"] + scores["b_loss"], scores["loss"], 4);
    }

    [Fact]
    public void MultiInputFitWithValidationDataAndCallbacks()
    {
        Backend.SetRandomSeed(9);
        int n = 200;
        var a = rand(n, 3); var b = rand(n, 3);
        var y = (a.sum(1) - b.sum(1)).unsqueeze(1);
        var ia = new Input(3); var ib = new Input(3);
        var model = new Model([ia, ib], new Dense(1).Call(new Concatenate().Call(ia, ib)));
        model.Compile(new Adam(0.05), "mse");
        var stopper = new EarlyStopping(monitor: "val_loss", patience: 2);
        var history = model.Fit([a, b], [y], epochs: 200, batchSize: 20, validationData: ([a, b], [y]), callbacks: [stopper], verbose: 0);
        Assert.True(history["val_loss"][^1] < 1e-3, $"val_loss {history["val_loss"][^1]}");
        Assert.True(history.Epochs.Count < 200);                          // EarlyStopping stopped it
        Assert.False(history.Contains("dense_loss"));                      // one output: no per-output loss
    }

    [Fact]
    public void ConfigurationErrorsAreClear()
    {
        var model = TwoHeads();
        var count = Assert.Throws<ArgumentException>(() => model.Compile("sgd", ["mse"]));
        Assert.Contains("one loss per output (2: cls, reg)", count.Message);
        var weights = Assert.Throws<ArgumentException>(() => model.Compile("sgd", ["mse", "mse"], lossWeights: [1.0]));
        Assert.Contains("lossWeights", weights.Message);
        model.Compile("sgd", ["sparse_categorical_crossentropy", "mse"]);
        var targets = Assert.Throws<ArgumentException>(() => model.Fit([ones(4, 4)], [zeros(4, dtype: ScalarType.Int64)], verbose: 0));
        Assert.Contains("has 2 output(s) (cls, reg), but `y` holds 1 target tensors", targets.Message);
        var shape = Assert.Throws<ArgumentException>(() => model.Fit([ones(4, 4)], [zeros(4, dtype: ScalarType.Int64), ones(4, 2)], verbose: 0));
        Assert.Contains("y[1]", shape.Message);
        var rows = Assert.Throws<ArgumentException>(() => model.Fit([ones(4, 4)], [zeros(3, dtype: ScalarType.Int64), ones(4, 1)], verbose: 0));
        Assert.Contains("Data cardinality is ambiguous", rows.Message);
        var single = Assert.Throws<ArgumentException>(() => model.Predict(ones(4, 4)));
        Assert.Contains("use the overloads of Fit, Evaluate, Predict and Call that take arrays", single.Message);
        var uncompiled = TwoHeads();
        Assert.Throws<InvalidOperationException>(() => uncompiled.Fit([ones(4, 4)], [ones(4), ones(4, 1)], verbose: 0));
    }
}
