using Deepen.Metrics;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

/// <summary>The numeric expectations of keras/src/metrics/confusion_metrics_test.py, MultiAUCTest (5 thresholds).</summary>
public class AUCMultiLabelTests
{
    static readonly float[,] Pred = { { 0, 0.1f }, { 0.5f, 0.2f }, { 0.3f, 0.3f }, { 0.9f, 0.4f } };
    static readonly float[,] Good = { { 0, 0 }, { 0, 0 }, { 1, 1 }, { 1, 1 } };
    static readonly float[,] Bad = { { 0, 1 }, { 0, 1 }, { 1, 0 }, { 1, 0 } };

    static double Run(AUC m, float[,] yTrue, float[,] yPred, float[]? w = null)
    {
        m.UpdateState(tensor(yTrue), tensor(yPred), w is null ? null : tensor(w));
        return m.Result();
    }

    [Fact] // test_unweighted_all_correct, test_unweighted, test_unweighted_from_logits
    public void Unweighted()
    {
        Assert.Equal(1.0, Run(new AUC(multiLabel: true), Good, Good), 6);
        Assert.Equal((0.875 + 1.0) / 2, Run(new AUC(numThresholds: 5, multiLabel: true), Good, Pred), 3);
        var logits = tensor(Pred).add(1e-12).reciprocal().sub(1).log().neg();
        var m = new AUC(numThresholds: 5, multiLabel: true, fromLogits: true);
        m.UpdateState(tensor(Good), logits);
        Assert.Equal((0.875 + 1.0) / 2, m.Result(), 3);
    }

    [Fact] // test_unweighted_flat, test_sample_weight_flat: the same data as one label
    public void FlatIsOneLabel()
    {
        Assert.Equal(1.0 - 3.0 / 32.0, Run(new AUC(numThresholds: 5), Good, Pred), 3);
        Assert.Equal(1.0 - 0.3333 * (1.0 - 0.2857) / 2.0, Run(new AUC(numThresholds: 5), Good, Pred, [1, 2, 3, 4]), 3);
    }

    [Fact] // test_label_weights, test_label_weights_flat
    public void LabelWeights()
    {
        Assert.Equal((0.875 * 0.75 + 1.0 * 0.25) / (0.75 + 0.25),
            Run(new AUC(numThresholds: 5, multiLabel: true, labelWeights: [0.75, 0.25]), Good, Pred), 3);
        Assert.Equal(1.0 - (1.0 - 0.375) * 0.375 / 2.0, Run(new AUC(numThresholds: 5, labelWeights: [0.75, 0.25]), Good, Pred), 2);
    }

    [Fact] // test_weighted_roc_interpolation, test_pr_interpolation_unweighted (tolerance 1e-1 in Keras)
    public void WeightedAndPr()
    {
        Assert.Equal(1.0 - 0.5 * 0.43 * 0.67, Run(new AUC(numThresholds: 5, multiLabel: true), Good, Pred, [1, 2, 3, 4]), 0.1);
        var pr = new AUC(numThresholds: 5, curve: "PR", multiLabel: true);
        Assert.Equal((0.91667 + 1.0) / 2, Run(pr, Good, Pred), 0.1);
        Assert.Equal((0.91667 + 0.5) / 2, Run(pr, Bad, Pred), 0.1);   // Keras calls the same object again: the states accumulate
    }

    [Fact] // numLabels fixes the state's shape; Keras's "num_labels is needed only when multi_label is True"
    public void NumLabelsAndErrors()
    {
        var m = new AUC(numThresholds: 5, multiLabel: true, numLabels: 2);
        Assert.Equal(new long[] { 2, 5 }, m.Variables[0].shape);
        Assert.Contains("`num_labels` is needed only when `multi_label` is True", Assert.Throws<ArgumentException>(() => new AUC(numLabels: 2)).Message);
        Assert.Contains("`y_pred` must have rank 2 when `multi_label=True`", Assert.Throws<ArgumentException>(() => m.UpdateState(zeros(4), zeros(4))).Message);
        Assert.Contains("numLabels=2", Assert.Throws<ArgumentException>(() => m.UpdateState(zeros(4, 3), zeros(4, 3))).Message);
    }
}
