using Deepen.Layers;
using Deepen.Losses;
using Deepen.Metrics;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

public class AccuracyTests
{
    [Fact]
    public void BinaryAccuracyThresholdsProbabilities()
    {
        using var m = new BinaryAccuracy();
        m.UpdateState(tensor(new float[] { 1, 0, 1, 0 }), tensor(new float[] { 0.9f, 0.4f, 0.3f, 0.7f }, new long[] { 4, 1 }));
        Assert.Equal(2.0 / 4, m.Result(), 10);
        m.UpdateState(tensor(new float[] { 1, 1 }), tensor(new float[] { 0.6f, 0.51f }, new long[] { 2, 1 }));
        Assert.Equal(4.0 / 6, m.Result(), 10); // accumulates over batches
        m.ResetState();
        Assert.Equal(0, m.Result());
    }

    [Fact]
    public void CategoricalAccuracyComparesArgMaxes()
    {
        using var m = new CategoricalAccuracy();
        m.UpdateState(tensor(new float[] { 0, 1, 0, 1, 0, 0, 0, 0, 1 }, new long[] { 3, 3 }),
                      tensor(new float[] { 0.2f, 0.5f, 0.3f, 0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f }, new long[] { 3, 3 }));
        Assert.Equal(2.0 / 3, m.Result(), 10);
    }

    [Fact]
    public void SparseCategoricalAccuracyComparesArgMaxWithLabels()
    {
        using var m = new SparseCategoricalAccuracy();
        m.UpdateState(tensor(new long[] { 1, 0, 2, 2 }),
                      tensor(new float[] { 0.2f, 0.5f, 0.3f, 0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f, 0.5f, 0.4f, 0.1f }, new long[] { 4, 3 }));
        Assert.Equal(2.0 / 4, m.Result(), 10);
    }

    [Theory]
    [InlineData("binary_crossentropy", 1, false, typeof(BinaryAccuracy))]
    [InlineData("mse", 1, false, typeof(BinaryAccuracy))]
    [InlineData("sparse_categorical_crossentropy", 10, true, typeof(SparseCategoricalAccuracy))]
    [InlineData("categorical_crossentropy", 10, false, typeof(CategoricalAccuracy))]
    [InlineData("mse", 3, true, typeof(SparseCategoricalAccuracy))]
    [InlineData("mse", 3, false, typeof(CategoricalAccuracy))]
    public void AccuracyResolvesFromLossAndShapes(string loss, int units, bool sparse, Type expected)
    {
        var metric = MetricRegistry.Get("accuracy", LossRegistry.Get(loss), units, sparse);
        Assert.IsType(expected, metric);
        Assert.Equal("accuracy", metric.Name);
        Assert.Equal("acc", MetricRegistry.Get("acc", LossRegistry.Get(loss), units, sparse).Name);
    }

    [Fact]
    public void EvaluateResolvesAccuracyForSigmoidSparseAndOneHotModels()
    {
        Backend.SetRandomSeed(16);
        var r = new Random(4);
        int n = 40;
        var x = new float[n, 3];
        for (int i = 0; i < n; i++) for (int j = 0; j < 3; j++) x[i, j] = (float)TestData.Gaussian(r);
        var binary = Enumerable.Range(0, n).Select(_ => (float)r.Next(2)).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => r.Next(4)).ToArray();
        var oneHot = new float[n, 4];
        for (int i = 0; i < n; i++) oneHot[i, labels[i]] = 1;

        var sigmoid = new Sequential(new Dense(1, "sigmoid", inputShape: 3));
        sigmoid.Compile("sgd", "binary_crossentropy", ["accuracy"]);
        var p = TestData.Values(sigmoid.Predict(x));
        Assert.Equal(Enumerable.Range(0, n).Average(i => (p[i] > 0.5 ? 1f : 0f) == binary[i] ? 1.0 : 0.0),
            sigmoid.Evaluate(x, binary, verbose: 0)["accuracy"], 10);

        var softmax = new Sequential(new Dense(4, "softmax", inputShape: 3));
        var q = TestData.Values(softmax.Predict(x));
        double expected = Enumerable.Range(0, n).Average(i => Enumerable.Range(0, 4).MaxBy(j => q[i * 4 + j]) == labels[i] ? 1.0 : 0.0);
        softmax.Compile("sgd", "sparse_categorical_crossentropy", ["accuracy"]);
        Assert.Equal(expected, softmax.Evaluate(x, labels, verbose: 0)["accuracy"], 10);
        softmax.Compile("sgd", "categorical_crossentropy", ["accuracy"]);
        Assert.Equal(expected, softmax.Evaluate(x, oneHot, verbose: 0)["accuracy"], 10);
        // With a loss that says nothing about the targets, their shape decides (Keras does the same).
        softmax.Compile("sgd", "mse", ["accuracy"]);
        Assert.Equal(expected, softmax.Evaluate(x, oneHot, verbose: 0)["accuracy"], 10);
    }
}
