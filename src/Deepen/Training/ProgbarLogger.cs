using Deepen.Callbacks;

namespace Deepen.Training;

/// <summary>
/// Keras's <c>ProgbarLogger</c>: prints "Epoch i/n" and a <see cref="ProgressBar"/> per epoch (verbose 1: live on a
/// terminal; verbose 2: one line per epoch), or one bar for an evaluation or prediction pass. <c>Fit</c>,
/// <c>Evaluate</c> and <c>Predict</c> add it when <c>verbose</c> is above 0.
/// </summary>
internal sealed class ProgbarLogger : Callback
{
    readonly int _verbose;
    readonly int _target, _epochs;
    ProgressBar _bar;
    int _steps;

    /// <param name="verbose">1 (live bar on a terminal) or 2 (one line per epoch).</param>
    /// <param name="target">The number of batches of an epoch or pass.</param>
    /// <param name="epochs">The last epoch index + 1 (for "Epoch i/n"); 0 for a single evaluation or prediction pass.</param>
    public ProgbarLogger(int verbose, int target, int epochs = 0)
    {
        _verbose = verbose;
        _target = target;
        _epochs = epochs;
        _bar = NewBar();
    }

    ProgressBar NewBar() => new(_target, live: _verbose == 1 ? null : false);

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
        Console.WriteLine($"Epoch {epoch + 1}/{_epochs}");
        _bar = NewBar();
        _steps = 0;
    }

    internal override void OnBatchProgress(int step, int target, Func<IReadOnlyDictionary<string, double>> logs)
    {
        _steps = step;
        if (_bar.ShouldDraw(step)) _bar.Update(step, logs());
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => Finish(logs);

    /// <summary>Writes the final line of the epoch or pass with <paramref name="logs"/>.</summary>
    public void Finish(IEnumerable<KeyValuePair<string, double>> logs) => _bar.Finish(_steps, logs);
}
