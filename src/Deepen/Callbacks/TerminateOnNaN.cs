using static TorchSharp.torch;

namespace Deepen.Callbacks;

/// <summary>
/// Stops training as soon as a batch's loss is NaN or infinite, as Keras's TerminateOnNaN.
/// <para>
/// Deepen's NaN policy: <c>Fit</c> itself never checks the loss (as Keras, a diverged run keeps its NaN weights);
/// pass this callback to stop at the first non-finite loss. With <paramref name="restoreLastFiniteWeights"/> (a Deepen
/// addition, on in the <c>deepen</c> command) it also puts back the weights of the last epoch that ended with a
/// finite loss — or the initial weights when the first epoch diverged — so what is saved afterwards can be used.
/// </para>
/// </summary>
/// <param name="restoreLastFiniteWeights">When training stops, restore the weights after the last finite epoch.</param>
/// <example><code>var stop = new TerminateOnNaN(restoreLastFiniteWeights: true);
/// model.Fit(x, y, epochs: 10, callbacks: [stop]);
/// if (stop.TerminatedAtEpoch is int epoch) Console.WriteLine($"diverged in epoch {epoch + 1}; weights of epoch {stop.RestoredEpoch + 1} kept");</code></example>
public sealed class TerminateOnNaN(bool restoreLastFiniteWeights = false) : Callback
{
    List<Tensor>? _lastFinite;
    int _epoch;

    /// <summary>The 0-based batch at which a non-finite loss was seen, or null.</summary>
    public int? TerminatedAtBatch { get; private set; }

    /// <summary>The 0-based epoch in which a non-finite loss was seen, or null.</summary>
    public int? TerminatedAtEpoch { get; private set; }

    /// <summary>The non-finite loss value that stopped training (NaN or ±infinity), or null.</summary>
    public double? InvalidLoss { get; private set; }

    /// <summary>
    /// After a stop with <c>restoreLastFiniteWeights</c>: the 0-based epoch whose weights were restored, or -1 for the
    /// weights training started from; null when nothing was restored.
    /// </summary>
    public int? RestoredEpoch { get; private set; }

    int _snapshotEpoch = -1;

    /// <summary>Clears the results of an earlier run and, with <c>restoreLastFiniteWeights</c>, copies the starting weights when the model is built.</summary>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        TerminatedAtBatch = TerminatedAtEpoch = RestoredEpoch = null;
        InvalidLoss = null;
        if (restoreLastFiniteWeights && Model.Built) Snapshot(-1);
    }

    /// <summary>Remembers the epoch, to report it with a non-finite loss.</summary>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => _epoch = epoch;

    /// <summary>With <c>restoreLastFiniteWeights</c>, copies the weights of a model that was built only by its first batch.</summary>
    public override void OnTrainBatchBegin(int batch)
    {
        // A model that builds on its first batch has weights only now.
        if (restoreLastFiniteWeights && _lastFinite is null && TerminatedAtEpoch is null && Model.Built) Snapshot(_epoch - 1);
    }

    /// <summary>Reads the batch's loss; when it is NaN or infinite, records where, prints a line and sets <c>Model.StopTraining</c>.</summary>
    public override void OnTrainBatchEnd(int batch, Func<double> loss)
    {
        double value = loss();
        if (double.IsFinite(value)) return;
        TerminatedAtBatch = batch;
        TerminatedAtEpoch = _epoch;
        InvalidLoss = value;
        Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
        Model.StopTraining = true;
    }

    /// <summary>With <c>restoreLastFiniteWeights</c>, copies the weights after an epoch whose loss is finite.</summary>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        if (restoreLastFiniteWeights && TerminatedAtEpoch is null && logs.TryGetValue("loss", out double loss) && double.IsFinite(loss))
            Snapshot(epoch);
    }

    /// <summary>After a stop with <c>restoreLastFiniteWeights</c>, puts back the last finite weights and sets <see cref="RestoredEpoch"/>; frees the copy.</summary>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        if (TerminatedAtEpoch is not null && _lastFinite is not null)
        {
            Model.SetWeightsTorchLayout(_lastFinite);
            RestoredEpoch = _snapshotEpoch;
        }
        Release();
    }

    void Snapshot(int epoch)
    {
        Release();
        _lastFinite = Model.GetWeightsTorchLayout();
        _snapshotEpoch = epoch;
    }

    void Release()
    {
        _lastFinite?.ForEach(t => t.Dispose());
        _lastFinite = null;
    }
}
