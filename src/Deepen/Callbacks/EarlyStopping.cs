using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Callbacks;

/// <summary>
/// Stops training when a monitored value has stopped improving, as Keras's EarlyStopping; optionally restores the
/// weights of the best epoch.
/// </summary>
/// <example><code>new EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)</code></example>
public sealed class EarlyStopping : Callback
{
    readonly bool _maximize;
    double _best;
    int _wait;
    List<Tensor>? _bestWeights;

    /// <summary>Creates the callback with Keras's arguments and defaults.</summary>
    /// <param name="monitor">The log to watch, such as <c>"val_loss"</c> or <c>"val_accuracy"</c> (Keras's default <c>"val_loss"</c>).</param>
    /// <param name="minDelta">The smallest change that counts as an improvement; its absolute value is used (default 0).</param>
    /// <param name="patience">The number of epochs without improvement after which training stops (default 0).</param>
    /// <param name="mode"><c>"min"</c>, <c>"max"</c> or <c>"auto"</c> (default): auto maximizes accuracy, AUC, precision and
    /// recall and minimizes everything else.</param>
    /// <param name="baseline">A value the monitored log must improve on; training stops when it does not within
    /// <paramref name="patience"/> epochs. Null (default) means no baseline.</param>
    /// <param name="restoreBestWeights">When training ends, restore the weights of the epoch with the best monitored value
    /// (default false: the weights of the last epoch stay).</param>
    /// <param name="startFromEpoch">The number of warm-up epochs (0-based epochs below it) that are not monitored (default 0).</param>
    /// <param name="verbose">0 (default) is silent; above 0 prints a line when training stops and when weights are restored.</param>
    /// <exception cref="ArgumentException"><paramref name="patience"/> is negative or <paramref name="mode"/> is not one of min, max, auto.</exception>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0, int verbose = 0)
    {
        Monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        MinDelta = Math.Abs(minDelta);
        Patience = patience >= 0 ? patience : throw Check.Invalid(nameof(patience), patience, "a non-negative integer");
        _maximize = MonitorMode.Maximize(monitor, mode);
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
        Verbose = verbose;
    }

    /// <summary>The name of the log watched, such as <c>"val_loss"</c>.</summary>
    public string Monitor { get; }
    /// <summary>The smallest change (absolute value) that counts as an improvement.</summary>
    public double MinDelta { get; }
    /// <summary>The number of epochs without improvement after which training stops.</summary>
    public int Patience { get; }
    /// <summary>The value the monitored log must improve on, or null for none.</summary>
    public double? Baseline { get; }
    /// <summary>Whether the weights of the best epoch are restored when training ends.</summary>
    public bool RestoreBestWeights { get; }
    /// <summary>The number of warm-up epochs that are not monitored.</summary>
    public int StartFromEpoch { get; }
    /// <summary>0 is silent; above 0 prints when training stops and when the best weights are restored.</summary>
    public int Verbose { get; }
    /// <summary>The 0-based epoch at which training stopped, or null.</summary>
    public int? StoppedEpoch { get; private set; }
    /// <summary>The 0-based epoch with the best monitored value.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Resets the wait counter, the stopped epoch and the best value (to <see cref="Baseline"/> when set).</summary>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _wait = 0;
        StoppedEpoch = null;
        _best = Baseline ?? (_maximize ? double.NegativeInfinity : double.PositiveInfinity);
        DisposeBest();
    }

    /// <summary>
    /// Compares the monitored log with the best so far; on an improvement records it (and a copy of the weights when
    /// <see cref="RestoreBestWeights"/>), otherwise sets <c>Model.StopTraining</c> once <see cref="Patience"/> epochs
    /// passed without one. Epochs before <see cref="StartFromEpoch"/> and epochs without the log (a message goes to
    /// standard error) are skipped.
    /// </summary>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        if (epoch < StartFromEpoch || MonitorMode.Read(logs, Monitor, nameof(EarlyStopping)) is not double current) return;
        if (RestoreBestWeights && _bestWeights is null) _bestWeights = Model.GetWeightsTorchLayout();
        _wait++;
        if (MonitorMode.Improved(current, _best, MinDelta, _maximize))
        {
            _best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights) { DisposeBest(); _bestWeights = Model.GetWeightsTorchLayout(); }
            if (Baseline is null || MonitorMode.Improved(current, Baseline.Value, MinDelta, _maximize)) _wait = 0;
            return;
        }
        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model.StopTraining = true;
        }
    }

    /// <summary>Restores the best epoch's weights when <see cref="RestoreBestWeights"/> is set, and frees the copy.</summary>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        if (StoppedEpoch is int e && Verbose > 0) Console.WriteLine($"Epoch {e + 1}: early stopping");
        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose > 0) Console.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            Model.SetWeightsTorchLayout(_bestWeights);
        }
        DisposeBest();
    }

    void DisposeBest()
    {
        if (_bestWeights is null) return;
        foreach (var t in _bestWeights) t.Dispose();
        _bestWeights = null;
    }
}
