using Deepen.Metrics;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

/// <summary>The numeric expectations of keras/src/metrics/accuracy_metrics_test.py and confusion_metrics_test.py.</summary>
public class KerasMetricTests
{
    static double Run(Metric m, Tensor yTrue, Tensor yPred, Tensor? w = null)
    {
        m.UpdateState(yTrue, yPred, w);
        return m.Result();
    }

    [Fact] // AccuracyTest: test_unweighted, test_weighted
    public void Accuracy()
    {
        var t = tensor(new float[,] { { 1 }, { 2 }, { 3 }, { 4 } });
        var p = tensor(new float[,] { { 0 }, { 2 }, { 3 }, { 4 } });
        Assert.Equal(0.75, Run(new Accuracy(), t, p), 3);
        Assert.Equal(0.5, Run(new Accuracy(), t, p, tensor(new float[] { 1, 1, 0, 0 })), 3);
    }

    [Fact] // BinaryAccuracyTest: test_unweighted (with broadcasting), test_weighted, test_threshold, test_invalid_threshold
    public void BinaryAccuracy()
    {
        var t = tensor(new float[,] { { 1 }, { 1 }, { 0 }, { 0 } });
        var p = tensor(new float[,] { { 0.98f }, { 1 }, { 0 }, { 0.6f } });
        Assert.Equal(0.75, Run(new BinaryAccuracy(), t, p), 3);
        Assert.Equal(0.75, Run(new BinaryAccuracy(), tensor(new float[] { 1, 1, 0, 0 }), p), 3);
        Assert.Equal(0.5, Run(new BinaryAccuracy(), t, p, tensor(new float[] { 1, 0, 0, 1 })), 3);
        var q = tensor(new float[,] { { 0.98f }, { 0.5f }, { 0.1f }, { 0.2f } });
        Assert.Equal(1.0, Run(new BinaryAccuracy(threshold: 0.3), t, q), 6);
        Assert.Equal(0.75, Run(new BinaryAccuracy(threshold: 0.9), t, q), 6);
        Assert.Contains("Invalid value received for argument `threshold`", Assert.Throws<ArgumentException>(() => new BinaryAccuracy(threshold: 1.5)).Message);
    }

    [Fact] // CategoricalAccuracyTest / SparseCategoricalAccuracyTest / TopK… / SparseTopK…: test_unweighted, test_weighted
    public void CategoricalAndTopK()
    {
        var onehot = tensor(new float[,] { { 0, 0, 1 }, { 0, 1, 0 } });
        var p = tensor(new float[,] { { 0.1f, 0.9f, 0.8f }, { 0.05f, 0.95f, 0 } });
        var w = tensor(new float[] { 0.7f, 0.3f });
        Assert.Equal(0.5, Run(new CategoricalAccuracy(), onehot, p), 3);
        Assert.Equal(0.3, Run(new CategoricalAccuracy(), onehot, p, w), 3);
        Assert.Equal(0.5, Run(new TopKCategoricalAccuracy(k: 1), onehot, p), 3);
        Assert.Equal(0.3, Run(new TopKCategoricalAccuracy(k: 1), onehot, p, w), 3);
        Assert.Equal(1.0, Run(new TopKCategoricalAccuracy(k: 2), onehot, p), 3);
        var sparse = tensor(new float[,] { { 2 }, { 1 } });
        var sp = tensor(new float[,] { { 0.1f, 0.6f, 0.3f }, { 0.05f, 0.95f, 0 } });
        Assert.Equal(0.5, Run(new SparseCategoricalAccuracy(), sparse, sp), 3);
        Assert.Equal(0.3, Run(new SparseCategoricalAccuracy(), sparse, sp, w), 3);
        Assert.Equal(0.5, Run(new SparseTopKCategoricalAccuracy(k: 1), sparse, sp), 3);
        Assert.Equal(0.3, Run(new SparseTopKCategoricalAccuracy(k: 1), sparse, sp, w), 3);
        Assert.Equal(1.0, Run(new SparseTopKCategoricalAccuracy(k: 2), sparse, sp), 3);
    }

    static readonly Tensor CountTrue = tensor(new float[,] { { 0, 1, 0, 1, 0 }, { 0, 0, 1, 1, 1 }, { 1, 1, 1, 1, 0 }, { 0, 0, 0, 0, 1 } });
    static readonly Tensor CountPred = tensor(new float[,] { { 0, 0, 1, 1, 0 }, { 1, 1, 1, 1, 1 }, { 0, 1, 0, 1, 0 }, { 1, 1, 1, 1, 1 } });
    static readonly Tensor CountWeight = tensor(new float[] { 1, 1.5f, 2, 2.5f });

    [Theory] // confusion_metrics_test.py: FalsePositivesTest / FalseNegativesTest / TrueNegativesTest / TruePositivesTest, test_unweighted and test_weighted
    [InlineData("fp", 7, 14)]
    [InlineData("fn", 3, 5)]
    [InlineData("tn", 3, 4)]
    [InlineData("tp", 7, 12)]
    public void Counts(string kind, double unweighted, double weighted)
    {
        Metric Make() => kind switch
        {
            "fp" => new FalsePositives(),
            "fn" => new FalseNegatives(),
            "tn" => new TrueNegatives(),
            _ => new TruePositives(),
        };
        Assert.Equal(unweighted, Run(Make(), CountTrue, CountPred), 6);
        Assert.Equal(weighted, Run(Make(), CountTrue, CountPred, CountWeight), 6);
    }

    [Fact] // PrecisionTest: test_unweighted_top_k, test_unweighted_class_id; RecallTest: test_unweighted_top_k
    public void PrecisionRecallTopKAndClassId()
    {
        var p = tensor(new float[,] { { 0.2f, 0.1f, 0.5f, 0, 0.2f } });
        var t = tensor(new float[,] { { 0, 1, 1, 0, 0 } });
        Assert.Equal(1.0 / 3, Run(new Precision(topK: 3), t, p), 6);
        Assert.Equal(0.5, Run(new Recall(topK: 3), t, p), 6);
        var precision = new Precision(classId: 2);
        Assert.Equal(1.0, Run(precision, t, tensor(new float[,] { { 0.2f, 0.1f, 0.6f, 0, 0.2f } })), 6);
        Assert.Equal(0.5, Run(precision, tensor(new float[,] { { 0, 1, 0, 0, 0 } }), tensor(new float[,] { { 0.2f, 0.1f, 0.6f, 0, 0.2f } })), 6);
    }

    static readonly Tensor AucPred = tensor(new float[] { 0, 0.5f, 0.3f, 0.9f });
    static readonly Tensor AucTrue = tensor(new float[] { 0, 0, 1, 1 });
    static readonly Tensor AucWeight = tensor(new float[] { 1, 2, 3, 4 });

    [Fact] // AUCTest: test_unweighted, test_weighted_roc_interpolation, test_weighted_pr_interpolation, test_unweighted_from_logits
    public void AucRocPrAndLogits()
    {
        Assert.Equal(0.75, Run(new AUC(numThresholds: 3), AucTrue, AucPred), 3);
        Assert.Equal((1 + 4.0 / 7) / 2, Run(new AUC(numThresholds: 3), AucTrue, AucPred, AucWeight), 3);
        Assert.Equal(2.416 / 7 + 4.0 / 7, Run(new AUC(numThresholds: 3, curve: "PR"), AucTrue, AucPred, AucWeight), 3);
        var logits = AucPred.clamp(1e-6, 1 - 1e-6).logit();
        Assert.Equal(0.75, Run(new AUC(numThresholds: 3, fromLogits: true), AucTrue, logits), 3);
    }
}
