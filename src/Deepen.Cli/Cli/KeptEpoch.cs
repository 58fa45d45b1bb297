using System.Globalization;
using System.Text.Json.Nodes;
using Deepen.Callbacks;
using Deepen.Training;

namespace Deepen.Cli;

/// <summary>
/// Which epoch's weights <c>deepen train</c> saves: with validation data, the best validation epoch's (lowest
/// val_loss, as Keras's <c>ModelCheckpoint(save_best_only=True)</c> picks) unless <c>--keep-last</c>; else the last.
/// The choice is printed and written to metrics.json (<c>kept_epoch</c>, <c>kept</c>).
/// </summary>
internal sealed class KeptEpoch
{
    public const string Monitor = "val_loss";
    readonly RestoreBestWeights? _best;

    KeptEpoch(RestoreBestWeights? best) => _best = best;

    /// <summary>Adds the restoring callback to <paramref name="callbacks"/> when the run keeps the best epoch.</summary>
    public static KeptEpoch Attach(List<Callback> callbacks, TrainOptions o, bool hasValidation)
    {
        var best = hasValidation && !o.KeepLast ? new RestoreBestWeights(Monitor) : null;
        if (best is not null) callbacks.Add(best);
        return new KeptEpoch(best);
    }

    /// <summary>The run's divergence guard: when it stopped the run, the weights saved are the ones it restored, not the best epoch's.</summary>
    public TerminateOnNaN? Guard { get; set; }

    /// <summary>The index in <paramref name="history"/> of the epoch whose weights the model holds.</summary>
    public int Index(History history)
    {
        var epochs = history.Epochs.ToList();
        if (Guard is { TerminatedAtEpoch: not null } guard)
            return guard.RestoredEpoch is int r && epochs.IndexOf(r) is int j and >= 0 ? j : epochs.Count - 1;
        return _best?.BestEpoch is int e && epochs.IndexOf(e) is int i and >= 0 ? i : epochs.Count - 1;
    }

    /// <summary>Says which epoch was kept (on the console when verbose) and records it in metrics.json.</summary>
    public void Describe(JsonObject metrics, History history, int verbose)
    {
        if (Guard is { TerminatedAtEpoch: not null } guard)
        {
            // A diverged run saved the last weights with a finite loss (or the initial ones): say so, whatever keep-best chose.
            bool initial = guard.RestoredEpoch is not (int r and >= 0);
            metrics["kept_epoch"] = initial ? 0 : guard.RestoredEpoch + 1;
            metrics["kept"] = initial ? "initial" : "last_finite";
            return;
        }
        int i = Index(history);
        int epoch = history.Epochs[i] + 1, last = history.Epochs[^1] + 1;
        string kept = _best is null ? "last" : "best_" + Monitor;
        metrics["kept_epoch"] = epoch;
        metrics["kept"] = kept;
        if (verbose <= 0) return;
        Console.WriteLine(_best is null
            ? $"Saved the weights of the last epoch ({last})."
            : string.Create(CultureInfo.InvariantCulture,
                $"Saved the weights of epoch {epoch} of {last}, the best {Monitor} ({history[Monitor][i]:0.####}); --keep-last keeps the last epoch's."));
    }
}
