using Deepen.Metrics;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

/// <summary>
/// Keras's <c>metric.variables</c>: the states of two metrics updated on two halves of the data, summed, give the
/// metric of all the data — what data-parallel training does across ranks.
/// </summary>
public class MetricVariablesTests
{
    public static TheoryData<string> Names() => new() { "binary_accuracy", "precision", "recall", "auc" };

    static Metric Create(string name) => name switch
    {
        "binary_accuracy" => new BinaryAccuracy(),
        "precision" => new Precision(),
        "recall" => new Recall(),
        _ => new AUC(numThresholds: 50),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void SummedStatesOfTwoHalvesGiveTheMetricOfTheWhole(string name)
    {
        Backend.SetRandomSeed(5);
        using var yTrue = rand(40, 1).gt(0.4).to(ScalarType.Float32);
        using var yPred = rand(40, 1);
        using Metric whole = Create(name), first = Create(name), second = Create(name), empty = Create(name);
        whole.UpdateState(yTrue, yPred);
        first.UpdateState(yTrue[..15], yPred[..15]);
        second.UpdateState(yTrue[15..], yPred[15..]);
        Assert.Equal(first.Variables.Count, second.Variables.Count);
        Assert.All(first.Variables, v => Assert.Equal(ScalarType.Float64, v.dtype));
        for (int i = 0; i < first.Variables.Count; i++) first.Variables[i].add_(second.Variables[i]);
        Assert.Equal(whole.Result(), first.Result(), 12);
        // A metric that saw nothing has zero states of the same shapes (a rank that saw no batch can still join the sum).
        Assert.Equal(first.Variables.Select(v => v.numel()), empty.Variables.Select(v => v.numel()));
        Assert.All(empty.Variables, v => Assert.Equal(0, v.abs().sum().item<double>()));
    }

    [Fact]
    public void TheLossMeanSumsWeightedTotalsAndCounts()
    {
        using Mean a = new("loss"), b = new("loss");
        using (var l = tensor(0.5f)) a.Update(l, 10);
        using (var l = tensor(2.0f)) b.Update(l, 30);
        a.Variables[0].add_(b.Variables[0]);
        a.Variables[1].add_(b.Variables[1]);
        Assert.Equal((0.5 * 10 + 2.0 * 30) / 40, a.Result(), 12);
    }
}
