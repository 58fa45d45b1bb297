using Deepen.Models;

namespace Deepen.Callbacks;

/// <summary>
/// The callbacks of one <c>Fit</c>, as Keras's <c>CallbackList</c>: every training event is dispatched through it,
/// in order, to the progress display, the user's callbacks and the <c>History</c> (last, so it records what the
/// others added to the logs, such as <c>learning_rate</c>).
/// </summary>
internal sealed class CallbackList
{
    readonly Callback[] _callbacks;
    readonly bool _readsBatchLoss;

    /// <summary>Attaches <paramref name="callbacks"/> to <paramref name="model"/>; null entries are ignored.</summary>
    public CallbackList(Model model, IEnumerable<Callback?> callbacks)
    {
        _callbacks = callbacks.OfType<Callback>().ToArray();
        foreach (var cb in _callbacks) cb.Model = model;
        _readsBatchLoss = _callbacks.Any(cb => cb.ReadsBatchLoss);
    }

    /// <summary>Whether a callback reads each batch's loss (then the trainer keeps it).</summary>
    public bool ReadsBatchLoss => _readsBatchLoss;

    /// <summary>Dispatches <see cref="Callback.OnTrainBegin"/>.</summary>
    public void OnTrainBegin(IDictionary<string, double> logs) { foreach (var cb in _callbacks) cb.OnTrainBegin(logs); }
    /// <summary>Dispatches <see cref="Callback.OnTrainEnd"/>.</summary>
    public void OnTrainEnd(IDictionary<string, double> logs) { foreach (var cb in _callbacks) cb.OnTrainEnd(logs); }
    /// <summary>Dispatches <see cref="Callback.OnEpochBegin"/>.</summary>
    public void OnEpochBegin(int epoch, IDictionary<string, double> logs) { foreach (var cb in _callbacks) cb.OnEpochBegin(epoch, logs); }
    /// <summary>Dispatches <see cref="Callback.OnEpochEnd"/>.</summary>
    public void OnEpochEnd(int epoch, IDictionary<string, double> logs) { foreach (var cb in _callbacks) cb.OnEpochEnd(epoch, logs); }
    /// <summary>Dispatches <see cref="Callback.OnTrainBatchBegin"/>.</summary>
    public void OnTrainBatchBegin(int batch) { foreach (var cb in _callbacks) cb.OnTrainBatchBegin(batch); }

    /// <summary>Dispatches <see cref="Callback.OnTrainBatchEnd"/> (to the callbacks that read the loss) and the progress.</summary>
    public void OnTrainBatchEnd(int batch, Func<double> loss, int target, Func<IReadOnlyDictionary<string, double>> logs)
    {
        foreach (var cb in _callbacks)
        {
            if (cb.ReadsBatchLoss) cb.OnTrainBatchEnd(batch, loss);
            cb.OnBatchProgress(batch + 1, target, logs);
        }
    }

    /// <summary>Dispatches the progress of an evaluation or prediction pass.</summary>
    public void OnBatchProgress(int step, int target, Func<IReadOnlyDictionary<string, double>> logs)
    {
        foreach (var cb in _callbacks) cb.OnBatchProgress(step, target, logs);
    }
}
