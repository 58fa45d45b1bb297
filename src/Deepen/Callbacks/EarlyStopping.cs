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

    public string Monitor { get; }
    public double MinDelta { get; }
    public int Patience { get; }
    public double? Baseline { get; }
    public bool RestoreBestWeights { get; }
    public int StartFromEpoch { get; }
    public int Verbose { get; }
    /// <summary>The 0-based epoch at which training stopped, or null.</summary>
    public int? StoppedEpoch { get; private set; }
    /// <summary>The 0-based epoch with the best monitored value.</summary>
    public int BestEpoch { get; private set; }

    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _wait = 0;
        StoppedEpoch = null;
        _best = Baseline ?? (_maximize ? double.NegativeInfinity : double.PositiveInfinity);
        DisposeBest();
    }

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
