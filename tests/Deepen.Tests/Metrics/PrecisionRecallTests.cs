using Deepen.Layers;
using Deepen.Metrics;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Metrics;

public class PrecisionRecallTests
{
    static readonly float[] Y = { 1, 1, 1, 0, 0, 0, 1, 0 };
    static readonly float[] P = { 0.9f, 0.6f, 0.2f, 0.7f, 0.1f, 0.4f, 0.8f, 0.55f };

    static (int Tp, int Fp, int Fn) Counts(double threshold)
    {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < Y.Length; i++)
        {
            bool predicted = P[i] > threshold, positive = Y[i] == 1;
            if (predicted && positive) tp++;
            if (predicted && !positive) fp++;
            if (!predicted && positive) fn++;
        }
        return (tp, fp, fn);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.3)]
    public void PrecisionAndRecallFromCounts(double threshold)
    {
        var (tp, fp, fn) = Counts(threshold);
        using var precision = new Precision(threshold: threshold);
        using var recall = new Recall(threshold: threshold);
        // in two batches, to check accumulation
        foreach (var (from, count) in new[] { (0, 3), (3, 5) })
        {
            using var y = tensor(Y[from..(from + count)], new long[] { count, 1 });
            using var p = tensor(P[from..(from + count)], new long[] { count, 1 });
            precision.UpdateState(y, p);
            recall.UpdateState(y, p);
        }
        Assert.Equal((double)tp / (tp + fp), precision.Result(), 10);
        Assert.Equal((double)tp / (tp + fn), recall.Result(), 10);
    }

    [Fact]
    public void NoPredictedPositivesGivesZeroPrecision()
    {
        using var precision = new Precision();
        precision.UpdateState(tensor(new float[] { 1, 0 }), tensor(new float[] { 0.1f, 0.2f }, new long[] { 2, 1 }));
        Assert.Equal(0, precision.Result());
    }

    [Fact]
    public void IntegerLabelsAreOneHotEncodedAgainstMultiClassPredictions()
    {
        using var recall = new Recall();
        // labels 0, 2; predictions: class 0 above threshold for sample 0, nothing above 0.5 for sample 1
        recall.UpdateState(tensor(new long[] { 0, 2 }), tensor(new float[] { 0.8f, 0.1f, 0.1f, 0.3f, 0.3f, 0.4f }, new long[] { 2, 3 }));
        Assert.Equal(0.5, recall.Result(), 10);
    }

    [Fact]
    public void CompiledByNameTheyAppearInEvaluate()
    {
        Backend.SetRandomSeed(17);
        var x = new float[8, 1];
        for (int i = 0; i < 8; i++) x[i, 0] = P[i];
        // Identity-like model: sigmoid(k·(x − 0.5)) > 0.5 ⇔ x > 0.5
        var model = new Sequential(new Dense(1, "sigmoid", inputShape: 1));
        using (no_grad())
        {
            ((Dense)model.Layers[0]).Kernel.Value.fill_(10f);
            ((Dense)model.Layers[0]).Bias!.Value.fill_(-5f);
        }
        model.Compile("sgd", "binary_crossentropy", ["precision", "recall"]);
        var scores = model.Evaluate(x, Y, verbose: 0);
        var (tp, fp, fn) = Counts(0.5);
        Assert.Equal((double)tp / (tp + fp), scores["precision"], 10);
        Assert.Equal((double)tp / (tp + fn), scores["recall"], 10);
    }
}
