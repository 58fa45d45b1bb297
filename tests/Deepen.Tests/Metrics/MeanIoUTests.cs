using Deepen.Metrics;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

/// <summary>The numeric expectations of keras/src/metrics/iou_metrics_test.py (MeanIoUTest).</summary>
public class MeanIoUTests
{
    static double Run(MeanIoU m, float[] yTrue, float[] yPred, float[]? w = null)
    {
        m.UpdateState(tensor(yTrue), tensor(yPred), w is null ? null : tensor(w));
        return m.Result();
    }

    [Fact] // test_unweighted
    public void Unweighted() =>
        Assert.Equal((1.0 / (2 + 2 - 1) + 1.0 / (2 + 2 - 1)) / 2, Run(new MeanIoU(2), [0, 0, 1, 1], [0, 1, 0, 1]), 6);

    [Fact] // test_unweighted_ignore_class_255, test_unweighted_ignore_class_1
    public void IgnoreClass()
    {
        double expected = (1.0 / (1 + 1 - 1) + 1.0 / (2 + 1 - 1) + 0.0 / (0 + 1 - 0)) / 3;
        Assert.Equal(expected, Run(new MeanIoU(3, ignoreClass: 255), [0, 1, 2, 255], [0, 1, 1, 1]), 6);
        Assert.Equal(expected, Run(new MeanIoU(3, ignoreClass: -1), [0, 1, 2, -1], [0, 1, 1, 1]), 6);
    }

    [Fact] // test_weighted, test_weighted_ignore_class_1, test_multi_dim_input
    public void Weighted()
    {
        double expected = (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2;
        Assert.Equal(expected, Run(new MeanIoU(2), [0, 0, 1, 1], [0, 1, 0, 1], [0.2f, 0.3f, 0.4f, 0.1f]), 6);
        Assert.Equal((0.2 / (0.6 + 0.5 - 0.2) + 0.0 / (0.3 + 0.4 - 0.0)) / 2,
            Run(new MeanIoU(2, ignoreClass: -1), [0, 0, 1, -1], [0, 1, 0, 1], [0.2f, 0.3f, 0.4f, 0.1f]), 6);
        var m = new MeanIoU(2);
        m.UpdateState(tensor(new float[,] { { 0, 0 }, { 1, 1 } }), tensor(new float[,] { { 0, 1 }, { 0, 1 } }), tensor(new float[,] { { 0.2f, 0.3f }, { 0.4f, 0.1f } }));
        Assert.Equal(expected, m.Result(), 6);
    }

    [Fact] // test_zero_valid_entries, test_zero_and_non_zero_entries, test_out_of_range_ignored, test_negative_ignored, test_absent_class_contributes_zero
    public void EdgeCases()
    {
        Assert.Equal(0, new MeanIoU(2).Result());
        Assert.Equal(1.0, Run(new MeanIoU(2), [1], [1]), 6);
        Assert.Equal(1.0, Run(new MeanIoU(2), [0, 3], [0, 1]), 6);
        Assert.Equal(1.0, Run(new MeanIoU(2), [0, -1], [0, 1]), 6);
        var absent = new MeanIoU(3);
        Assert.Equal(1.0, Run(absent, [0, 0, 0, 0], [0, 0, 0, 0]), 6);
        Assert.Equal(new[] { 1.0, 0, 0 }, absent.Results());
    }

    [Fact] // sparse_y_pred=False: the arg-max of probabilities, as OneHotMeanIoU does (OneHotMeanIoUTest.test_unweighted)
    public void ProbabilitiesAndOneHotTargets()
    {
        var yTrue = tensor(new float[,] { { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 0 }, { 1, 0, 0 } });
        var yPred = tensor(new float[,] { { 0.2f, 0.3f, 0.5f }, { 0.1f, 0.2f, 0.7f }, { 0.5f, 0.3f, 0.1f }, { 0.1f, 0.4f, 0.5f } });
        var m = new MeanIoU(3, sparseYTrue: false, sparseYPred: false);
        m.UpdateState(yTrue, yPred);
        // cm = [[0, 0, 2], [1, 0, 0], [0, 0, 1]]: iou = [0, 0, 1/3], mean over 3 valid classes
        Assert.Equal((0 + 0 + 1.0 / (1 + 3 - 1)) / 3, m.Result(), 6);
    }
}
