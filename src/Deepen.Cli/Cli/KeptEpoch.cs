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

    /// <summary>The index in <paramref name="history"/> of the epoch whose weights the model holds.</summary>
    public int Index(History history) =>
        _best?.BestEpoch is int e && history.Epochs.ToList().IndexOf(e) is int i and >= 0 ? i : history.Epochs.Count - 1;

    /// <summary>Says which epoch was kept (on the console when verbose) and records it in metrics.json.</summary>
    public void Describe(JsonObject metrics, History history, int verbose)
    {
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
