namespace Deepen.Callbacks;

/// <summary>Stops training as soon as a batch's loss is NaN or infinite, as Keras's TerminateOnNaN.</summary>
/// <example><code>model.Fit(x, y, callbacks: [new TerminateOnNaN()]);</code></example>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>The 0-based batch at which a non-finite loss was seen, or null.</summary>
    public int? TerminatedAtBatch { get; private set; }

    public override void OnTrainBatchEnd(int batch, Func<double> loss)
    {
        double value = loss();
        if (double.IsFinite(value)) return;
        TerminatedAtBatch = batch;
        Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
        Model.StopTraining = true;
    }
}
