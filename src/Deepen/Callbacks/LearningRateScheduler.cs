namespace Deepen.Callbacks;

/// <summary>
/// Sets the learning rate at the start of each epoch from <c>schedule(epoch, currentLr)</c>, as Keras's
/// LearningRateScheduler (epochs 0-based).
/// </summary>
/// <example><code>new LearningRateScheduler((epoch, lr) => epoch &lt; 10 ? lr : lr * Math.Exp(-0.1))</code></example>
public sealed class LearningRateScheduler : Callback
{
    readonly Func<int, double, double> _schedule;

    public LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Verbose = verbose;
    }

    public int Verbose { get; }

    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
        var optimizer = Model.Optimizer!;
        double lr = _schedule(epoch, optimizer.LearningRate);
        if (!double.IsFinite(lr) || lr <= 0)
            throw Utils.Check.Invalid("schedule", lr, $"a positive finite learning rate from the schedule at epoch {epoch}");
        optimizer.LearningRate = lr;
        if (Verbose > 0) Console.WriteLine($"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.");
    }

    /// <summary>Records the epoch's learning rate in the logs (and so in History), as Keras does.</summary>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => logs["learning_rate"] = Model.Optimizer!.LearningRate;
}
