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
