namespace Deepen.Callbacks;

/// <summary>
/// Sets the learning rate at the start of each epoch from <c>schedule(epoch, currentLr)</c>, as Keras's
/// LearningRateScheduler (epochs 0-based).
/// </summary>
/// <example><code>new LearningRateScheduler((epoch, lr) => epoch &lt; 10 ? lr : lr * Math.Exp(-0.1))</code></example>
public sealed class LearningRateScheduler : Callback
{
    readonly Func<int, double, double> _schedule;

    /// <summary>Creates the callback, as Keras's <c>LearningRateScheduler(schedule, verbose=0)</c>.</summary>
    /// <param name="schedule">Takes the 0-based epoch and the current learning rate and returns the new learning rate,
    /// which must be positive and finite.</param>
    /// <param name="verbose">0 (default) is silent; above 0 prints the learning rate set at each epoch.</param>
    public LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Verbose = verbose;
    }

    /// <summary>0 is silent; above 0 prints the learning rate set at each epoch.</summary>
    public int Verbose { get; }

    /// <summary>Sets the optimizer's learning rate from the schedule. Throws <see cref="ArgumentException"/> when the schedule
    /// returns a value that is not a positive finite number.</summary>
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
