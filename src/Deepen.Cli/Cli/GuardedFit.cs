using Deepen.Callbacks;
using Deepen.Training;

namespace Deepen.Cli;

/// <summary>
/// The CLI's training call for image and text runs alike: the run's callbacks in their required order (the backup
/// first, so the others start from the restored state; EarlyStopping and the best-epoch keeper; the NaN guard last, so
/// its restore wins) and the history of the whole run across a <c>--resume</c>.
/// </summary>
internal sealed record GuardedFit(History History, KeptEpoch KeptEpoch, TerminateOnNaN NanGuard)
{
    /// <summary>Runs <paramref name="fit"/> (the model's Fit for the run's data) with the run's callbacks.</summary>
    public static GuardedFit Run(TrainOptions o, RunFolder run, bool hasValidation, Func<List<Callback>, History> fit)
    {
        var callbacks = new List<Callback>();
        var backup = new BackupAndRestore(run.BackupDir);
        callbacks.Add(backup);
        if (o.EarlyStopping is int patience)
            callbacks.Add(new EarlyStopping(monitor: hasValidation ? "val_loss" : "loss", patience: patience, restoreBestWeights: true, verbose: o.Verbose));
        var keptEpoch = KeptEpoch.Attach(callbacks, o, hasValidation);
        var nanGuard = Divergence.Guard();
        callbacks.Add(nanGuard);
        keptEpoch.Guard = nanGuard;
        if (o.Resume && !backup.HasBackup && o.Verbose > 0)
            Console.WriteLine($"--resume: no interrupted run to continue in {o.OutDir}; training from the first epoch.");
        return new GuardedFit(RunFolder.FullHistory(backup, fit(callbacks)), keptEpoch, nanGuard);
    }
}
