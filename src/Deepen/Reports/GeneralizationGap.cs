using Deepen.Training;

namespace Deepen.Reports;

/// <summary>
/// Memorization vs understanding over the epochs of a training run: the generalization gap — validation loss minus
/// training loss, and training accuracy minus validation accuracy when both were recorded — per epoch, and the epoch
/// where overfitting began.
/// </summary>
/// <remarks>
/// <see cref="OverfittingEpoch"/> is the epoch (1-based) with the lowest validation loss, when the validation loss
/// then rose: its value at the last epoch is more than 1% (relative) above that minimum. From that epoch on the model
/// fits its training images better while doing worse on new ones — it memorizes rather than generalizes; a callback
/// such as <c>EarlyStopping(restoreBestWeights: true)</c> would keep the weights of that epoch. Null when the lowest
/// validation loss is at (or within 1% of) the last epoch.
/// </remarks>
/// <example><code>
/// var gap = GeneralizationGap.From(history);
/// if (gap?.OverfittingEpoch is int e) Console.WriteLine($"overfitting began after epoch {e}; final gap {gap.LossGap[^1]:F3}");
/// </code></example>
public sealed class GeneralizationGap
{
    /// <summary>The relative rise of the final validation loss over its minimum that counts as overfitting (1%).</summary>
    public const double RiseTolerance = 0.01;

    GeneralizationGap(double[] loss, double[] valLoss, double[]? accuracyGap, string? accuracyKey)
    {
        TrainLoss = loss;
        ValidationLoss = valLoss;
        LossGap = loss.Zip(valLoss, (t, v) => v - t).ToArray();
        AccuracyGap = accuracyGap;
        AccuracyKey = accuracyKey;
        int best = 0;
        for (int i = 1; i < valLoss.Length; i++)
            if (double.IsFinite(valLoss[i]) && (!double.IsFinite(valLoss[best]) || valLoss[i] < valLoss[best])) best = i;
        BestEpoch = best + 1;
        double min = valLoss[best], last = valLoss[^1];
        OverfittingEpoch = best < valLoss.Length - 1 && double.IsFinite(min) && (!double.IsFinite(last) || last > min + RiseTolerance * Math.Abs(min))
            ? best + 1 : null;
    }

    /// <summary>The gap of <paramref name="history"/>, or null when it has no <c>loss</c> and <c>val_loss</c> (no validation data).</summary>
    public static GeneralizationGap? From(History? history)
    {
        if (history is null || !history.Contains("loss") || !history.Contains("val_loss")) return null;
        int n = Math.Min(history["loss"].Count, history["val_loss"].Count);
        if (n == 0) return null;
        string? key = new[] { "accuracy", "acc" }.FirstOrDefault(k => history.Contains(k) && history.Contains("val_" + k));
        double[]? accuracyGap = key is null ? null
            : Enumerable.Range(0, n).Select(i => history[key][i] - history["val_" + key][i]).ToArray();
        return new GeneralizationGap(history["loss"].Take(n).ToArray(), history["val_loss"].Take(n).ToArray(), accuracyGap, key);
    }

    /// <summary>The number of epochs.</summary>
    public int Epochs => TrainLoss.Count;
    /// <summary>The training loss per epoch.</summary>
    public IReadOnlyList<double> TrainLoss { get; }
    /// <summary>The validation loss per epoch.</summary>
    public IReadOnlyList<double> ValidationLoss { get; }
    /// <summary>Validation loss minus training loss, per epoch (larger = more memorization).</summary>
    public IReadOnlyList<double> LossGap { get; }
    /// <summary>Training accuracy minus validation accuracy per epoch; null when accuracy was not recorded for both.</summary>
    public IReadOnlyList<double>? AccuracyGap { get; }
    /// <summary>The history key of the accuracy ("accuracy" or "acc"), if recorded.</summary>
    public string? AccuracyKey { get; }
    /// <summary>The epoch (1-based) with the lowest validation loss.</summary>
    public int BestEpoch { get; }
    /// <summary>The epoch (1-based) where overfitting began (see the remarks), or null when there is no sign of it.</summary>
    public int? OverfittingEpoch { get; }
}
