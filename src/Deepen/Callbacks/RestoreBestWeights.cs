using static TorchSharp.torch;

namespace Deepen.Callbacks;

/// <summary>
/// Keeps a copy of the weights of the epoch with the best monitored value and puts them back when training ends:
/// Keras's <c>EarlyStopping(restore_best_weights=True)</c> without the stopping, or
/// <c>ModelCheckpoint(save_best_only=True)</c> kept in memory. A run that degrades in its last epochs ends with the
/// weights of its best epoch.
/// </summary>
/// <example><code>var best = new RestoreBestWeights("val_loss"); model.Fit(x, y, epochs: 20, validationSplit: 0.2, callbacks: [best]);</code></example>
public sealed class RestoreBestWeights : Callback
{
    readonly bool _maximize;
    List<Tensor>? _bestWeights;

    /// <summary>Watches <paramref name="monitor"/>; <paramref name="mode"/> is Keras's "auto", "min" or "max".</summary>
    public RestoreBestWeights(string monitor = "val_loss", string mode = "auto")
    {
        Monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        _maximize = MonitorMode.Maximize(monitor, mode);
    }

    /// <summary>The value watched, e.g. "val_loss".</summary>
    public string Monitor { get; }
    /// <summary>The 0-based epoch with the best value, or null before any epoch reported it.</summary>
    public int? BestEpoch { get; private set; }
    /// <summary>The best value seen.</summary>
    public double Best { get; private set; }
    /// <summary>The last epoch run (0-based), or null.</summary>
    public int? LastEpoch { get; private set; }
    /// <summary>Whether the weights were put back to an earlier epoch's when training ended.</summary>
    public bool Restored { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        BestEpoch = LastEpoch = null;
        Restored = false;
        Best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
        DisposeBest();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        LastEpoch = epoch;
        if (MonitorMode.Read(logs, Monitor, nameof(RestoreBestWeights)) is not double current || !double.IsFinite(current)) return;
        if (BestEpoch is not null && !MonitorMode.Improved(current, Best, 0, _maximize)) return;
        Best = current;
        BestEpoch = epoch;
        DisposeBest();
        _bestWeights = Model.GetWeightsTorchLayout();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        if (_bestWeights is not null && BestEpoch != LastEpoch)
        {
            Model.SetWeightsTorchLayout(_bestWeights);
            Restored = true;
        }
        DisposeBest();
    }

    void DisposeBest()
    {
        _bestWeights?.ForEach(t => t.Dispose());
        _bestWeights = null;
    }
}
