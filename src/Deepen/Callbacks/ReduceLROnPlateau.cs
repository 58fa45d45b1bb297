using Deepen.Utils;

namespace Deepen.Callbacks;

/// <summary>Multiplies the learning rate by <c>factor</c> when a monitored value stops improving, as Keras's ReduceLROnPlateau.</summary>
/// <example><code>new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 2, minLr: 1e-5)</code></example>
public sealed class ReduceLROnPlateau : Callback
{
    readonly bool _maximize;
    double _best;
    int _wait, _cooldownLeft;

    /// <summary>Creates the callback with Keras's arguments and defaults.</summary>
    /// <param name="monitor">The log to watch (default <c>"val_loss"</c>).</param>
    /// <param name="factor">What the learning rate is multiplied by: <c>new_lr = lr * factor</c>, strictly between 0 and 1 (default 0.1).</param>
    /// <param name="patience">The number of epochs without improvement after which the learning rate is reduced (default 10).</param>
    /// <param name="mode"><c>"min"</c>, <c>"max"</c> or <c>"auto"</c> (default): auto maximizes accuracy, AUC, precision and
    /// recall and minimizes everything else.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement (default 1e-4).</param>
    /// <param name="cooldown">The number of epochs to wait after a reduction before counting epochs without improvement again (default 0).</param>
    /// <param name="minLr">The lower bound of the learning rate (default 0).</param>
    /// <param name="verbose">0 (default) is silent; above 0 prints a line at each reduction.</param>
    /// <exception cref="ArgumentException"><paramref name="factor"/> is not strictly between 0 and 1, <paramref name="patience"/>
    /// is negative or <paramref name="mode"/> is not one of min, max, auto.</exception>
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

    /// <summary>The name of the log watched.</summary>
    public string Monitor { get; }
    /// <summary>What the learning rate is multiplied by at each reduction.</summary>
    public double Factor { get; }
    /// <summary>The number of epochs without improvement after which the learning rate is reduced.</summary>
    public int Patience { get; }
    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }
    /// <summary>The number of epochs after a reduction during which epochs without improvement are not counted.</summary>
    public int Cooldown { get; }
    /// <summary>The lower bound of the learning rate.</summary>
    public double MinLr { get; }
    /// <summary>0 is silent; above 0 prints a line at each reduction.</summary>
    public int Verbose { get; }

    /// <summary>Resets the best value, the wait counter and the cooldown.</summary>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
        _wait = 0;
        _cooldownLeft = 0;
    }

    /// <summary>
    /// Adds the current learning rate to the logs as <c>learning_rate</c> (as Keras), then, when the monitored log has not
    /// improved for <see cref="Patience"/> epochs outside a cooldown, multiplies the learning rate by <see cref="Factor"/>
    /// (not below <see cref="MinLr"/>) and starts the cooldown. An epoch without the monitored log is skipped with a
    /// message on standard error.
    /// </summary>
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
