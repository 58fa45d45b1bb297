using Deepen.Utils;

namespace Deepen.Callbacks;

/// <summary>Multiplies the learning rate by <c>factor</c> when a monitored value stops improving, as Keras's ReduceLROnPlateau.</summary>
/// <example><code>new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 2, minLr: 1e-5)</code></example>
public sealed class ReduceLROnPlateau : Callback
{
    readonly bool _maximize;
    double _best;
    int _wait, _cooldownLeft;

    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0.0, int verbose = 0)
    {
        if (!(factor > 0 && factor < 1)) throw Check.Invalid(nameof(factor), factor, "a float between 0 and 1 (exclusive)");
        Monitor = monitor;
        Factor = factor;
        Patience = patience >= 0 ? patience : throw Check.Invalid(nameof(patience), patience, "a non-negative integer");
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLr = minLr;
        Verbose = verbose;
        _maximize = MonitorMode.Maximize(monitor, mode);
    }

    public string Monitor { get; }
    public double Factor { get; }
    public int Patience { get; }
    public double MinDelta { get; }
    public int Cooldown { get; }
    public double MinLr { get; }
    public int Verbose { get; }

    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
        _wait = 0;
        _cooldownLeft = 0;
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        logs["learning_rate"] = Model.Optimizer!.LearningRate;
        if (MonitorMode.Read(logs, Monitor, nameof(ReduceLROnPlateau)) is not double current) return;
        if (_cooldownLeft > 0) { _cooldownLeft--; _wait = 0; }
        if (MonitorMode.Improved(current, _best, MinDelta, _maximize)) { _best = current; _wait = 0; return; }
        if (_cooldownLeft > 0) return;
        if (++_wait < Patience) return;
        var optimizer = Model.Optimizer!;
        double old = optimizer.LearningRate;
        if (old > MinLr)
        {
            double next = Math.Max(old * Factor, MinLr);
            optimizer.LearningRate = next;
            if (Verbose > 0) Console.WriteLine($"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {next}.");
            _cooldownLeft = Cooldown;
            _wait = 0;
        }
    }
}
