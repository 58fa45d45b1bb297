using Deepen.Layers;
using Deepen.Metrics;
using Deepen.Models;

namespace Deepen.Tests.Metrics;

public class MetricRegistryTests
{
    [Theory]
    [InlineData("precision", typeof(Precision))]
    [InlineData("recall", typeof(Recall))]
    [InlineData("auc", typeof(AUC))]
    [InlineData("binary_accuracy", typeof(BinaryAccuracy))]
    [InlineData("categorical_accuracy", typeof(CategoricalAccuracy))]
    [InlineData("sparse_categorical_accuracy", typeof(SparseCategoricalAccuracy))]
    public void NamesResolveToMetrics(string name, Type type) =>
        Assert.IsType(type, MetricRegistry.Get(name, new Deepen.Losses.MeanSquaredError(), 1, false));

    [Theory] // the snake_case names and class names of keras/src/metrics/__init__.py's ALL_OBJECTS_DICT that Deepen has
    [InlineData("f1_score", typeof(F1Score))]
    [InlineData("F1Score", typeof(F1Score))]
    [InlineData("f_beta_score", typeof(FBetaScore))]
    [InlineData("AUC", typeof(AUC))]
    [InlineData("top_k_categorical_accuracy", typeof(TopKCategoricalAccuracy))]
    [InlineData("sparse_top_k_categorical_accuracy", typeof(SparseTopKCategoricalAccuracy))]
    [InlineData("true_positives", typeof(TruePositives))]
    [InlineData("false_positives", typeof(FalsePositives))]
    [InlineData("true_negatives", typeof(TrueNegatives))]
    [InlineData("FalseNegatives", typeof(FalseNegatives))]
    [InlineData("mse", typeof(LossMetric))]
    [InlineData("binary_crossentropy", typeof(LossMetric))]
    [InlineData("kl_divergence", typeof(LossMetric))]
    public void KerasNamesResolve(string name, Type type)
    {
        var metric = MetricRegistry.Get(name, new Deepen.Losses.MeanSquaredError(), 3, false);
        Assert.IsType(type, metric);
        Assert.Equal(name, metric.Name);                    // Keras names a metric made from a string by that string
    }

    [Fact] // keras.metrics.MeanSquaredError / CosineSimilarity (metrics, not losses): the mean of the per-sample values
    public void LossMetricsAreMeansOfPerSampleValues()
    {
        using var yTrue = TorchSharp.torch.tensor(new float[,] { { 0, 1 }, { 1, 1 } });
        using var yPred = TorchSharp.torch.tensor(new float[,] { { 1, 1 }, { 0, 1 } });
        var mse = MetricRegistry.Get("mse", new Deepen.Losses.MeanSquaredError(), 2, false);
        mse.UpdateState(yTrue, yPred);
        Assert.Equal((0.5 + 0.5) / 2, mse.Result(), 6);
        var cos = MetricRegistry.Get("cosine_similarity", new Deepen.Losses.MeanSquaredError(), 2, false);
        cos.UpdateState(yTrue, yPred);
        Assert.Equal((1 / Math.Sqrt(2) + 1 / Math.Sqrt(2)) / 2, cos.Result(), 5); // positive: the similarity
    }

    [Fact]
    public void EveryRegisteredNameCompilesAndTrains()
    {
        var x = TorchSharp.torch.rand(16, 4);
        var y = TorchSharp.torch.rand(16, 3).gt(0.5).to(TorchSharp.torch.float32);
        var model = new Sequential(new Dense(3, activation: "sigmoid", inputShape: 4));
        var names = MetricRegistry.Names.Where(n => n is not ("sparse_categorical_crossentropy" or "sparse_categorical_accuracy" or "sparse_top_k_categorical_accuracy")).ToArray();
        model.Compile("sgd", "binary_crossentropy", names);
        var history = model.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0);
        foreach (var n in names) Assert.True(history.Contains(n), n);
    }

    [Fact]
    public void MeanIoUByNameSaysItNeedsTheNumberOfClasses()
    {
        var model = new Sequential(new Dense(1, inputShape: 2));
        var e = Assert.Throws<ArgumentException>(() => model.Compile("sgd", "mse", ["mean_iou"]));
        Assert.Contains("new MeanIoU(numClasses: n)", e.Message);
    }

    [Fact]
    public void UnknownMetricNameFailsInCompileWithTheValue()
    {
        var model = new Sequential(new Dense(1, inputShape: 2));
        var e = Assert.Throws<ArgumentException>(() => model.Compile("sgd", "mse", ["acuracy"]));
        Assert.Equal("metrics", e.ParamName);
        Assert.Contains("Received: metrics=\"acuracy\"", e.Message);
        Assert.Contains("\"accuracy\"", e.Message);
        Assert.False(model.IsCompiled);
    }

    [Fact]
    public void NonMetricObjectsAreRejected()
    {
        var model = new Sequential(new Dense(1, inputShape: 2));
        var e = Assert.Throws<ArgumentException>(() => model.Compile("sgd", "mse", [42]));
        Assert.Contains("Received: metrics=\"Int32\"", e.Message);
    }
}
