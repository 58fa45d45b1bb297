using Deepen.Metrics;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

/// <summary>
/// Metric.Variables (Keras's metric.variables): the state a metric's result is computed from, so that summing it
/// across processes gives the metric over all their data. Two halves accumulated separately and summed must give
/// the metric of the whole.
/// </summary>
public class MetricVariablesTests
{
    static void AddInto(IReadOnlyList<Tensor> into, IReadOnlyList<Tensor> from)
    {
        for (int i = 0; i < into.Count; i++) into[i].add_(from[i]);
    }

    [Theory]
    [InlineData("accuracy")]
    [InlineData("precision")]
    [InlineData("recall")]
    [InlineData("auc")]
    public void SummedStatesOfTwoHalvesGiveTheMetricOfTheWhole(string name)
    {
        var g = manual_seed(12);
        using var yTrue = randint(0, 2, new long[] { 40, 1 }).to(ScalarType.Float32);
        using var yPred = rand(40, 1);
        Metric Make() => name switch
        {
            "accuracy" => new BinaryAccuracy(),
            "precision" => new Precision(),
            "recall" => new Recall(),
            _ => new AUC(),
        };
        using var whole = Make();
        whole.UpdateState(yTrue, yPred);
        using var first = Make();
        using var second = Make();
        first.UpdateState(yTrue[..25], yPred[..25]);
        second.UpdateState(yTrue[25..], yPred[25..]);
        AddInto(first.Variables, second.Variables);
        Assert.Equal(whole.Result(), first.Result(), 10);
        Assert.NotEmpty(whole.Variables);
    }

    [Fact]
    public void LossMeanStatesSum()
    {
        using var a = new Mean("loss");
        using var b = new Mean("loss");
        a.Update(tensor(2.0f), 3);
        b.Update(tensor(4.0f), 1);
        var va = a.Variables;
        var vb = b.Variables;
        for (int i = 0; i < 2; i++) va[i].add_(vb[i]);
        Assert.Equal((2.0 * 3 + 4.0) / 4, a.Result(), 10);
        using var empty = new Mean("loss");
        Assert.Equal(0.0, empty.Variables[1].item<double>());      // zeros before any update, so every process has state
    }
}
