using Deepen.Models;

namespace Deepen.Callbacks;

/// <summary>
/// The base class for callbacks, as Keras's: override the hooks you need. <see cref="Model"/> is set before
/// training starts; set <c>Model.StopTraining = true</c> to stop after the current epoch. Epochs are 0-based.
/// </summary>
/// <example><code>
/// sealed class PrintLoss : Callback
/// {
///     public override void OnEpochEnd(int epoch, IDictionary&lt;string, double&gt; logs) =>
///         Console.WriteLine($"epoch {epoch}: {logs["loss"]:F4}");
/// }
/// </code></example>
public abstract class Callback
{
    Model? _model;

    /// <summary>The model being trained.</summary>
    public Model Model
    {
        get => _model ?? throw new InvalidOperationException($"{GetType().Name} is not attached to a model yet.");
        internal set => _model = value;
    }

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin(IDictionary<string, double> logs) { }
    /// <summary>Called once after the last epoch with the last epoch's logs.</summary>
    public virtual void OnTrainEnd(IDictionary<string, double> logs) { }
    /// <summary>Called before each epoch (0-based).</summary>
    public virtual void OnEpochBegin(int epoch, IDictionary<string, double> logs) { }
    /// <summary>Called after each epoch with the epoch's logs (loss, metrics, val_*); learning-rate callbacks add learning_rate.</summary>
    public virtual void OnEpochEnd(int epoch, IDictionary<string, double> logs) { }
    /// <summary>Called before each training batch (0-based within the epoch).</summary>
    public virtual void OnTrainBatchBegin(int batch) { }
    /// <summary>Called after each training batch with the batch's loss (reading it synchronizes; override only when needed).</summary>
    public virtual void OnTrainBatchEnd(int batch, Func<double> loss) { }

    /// <summary>
    /// Called after each batch with the running logs of the epoch, read only when the callback asks (reading them
    /// synchronizes). For progress displays; <paramref name="target"/> is the number of batches of the epoch or pass.
    /// </summary>
    internal virtual void OnBatchProgress(int step, int target, Func<IReadOnlyDictionary<string, double>> logs) { }

    /// <summary>Whether this callback overrides <see cref="OnTrainBatchEnd"/> (the trainer keeps each batch's loss only then).</summary>
    internal bool ReadsBatchLoss => GetType().GetMethod(nameof(OnTrainBatchEnd))!.DeclaringType != typeof(Callback);
}
