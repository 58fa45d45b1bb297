using Deepen.Callbacks;
using Deepen.Training;

namespace Deepen.Cli;

/// <summary>
/// The <c>--out</c> folder of one training run, held for the run's length: a lock file (<c>.deepen.lock</c>, an OS
/// lock the kernel releases when the process dies, even by kill -9) so two runs cannot write one folder; temporary
/// files that a killed save left behind are removed; a new run clears the previous run's outputs first (so the folder
/// never mixes two runs), while <c>--resume</c> keeps them and the backup (<c>.backup/</c>) it continues from.
/// The folder may not lie inside a data folder, where it would become a class on the next run.
/// </summary>
public sealed class RunFolder : IDisposable
{
    /// <summary>What a run writes; only these are removed as stale (the user's other files are never touched).</summary>
    public static readonly string[] Outputs = ["model.deepen", "history.csv", "metrics.json", "audit.json", "report", ".backup", ScratchComparison.Folder];

    const string LockName = ".deepen.lock";
    readonly FileStream _lock;

    RunFolder(string path, FileStream held)
    {
        Path = path;
        _lock = held;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Where <see cref="BackupAndRestore"/> keeps the last completed epoch.</summary>
    public string BackupDir => System.IO.Path.Combine(Path, ".backup");

    /// <summary>How many orphaned temporary files were removed on opening.</summary>
    public int RemovedTemporaryFiles { get; private set; }

    /// <summary>Checks, creates, locks and prepares <c>--out</c> for a run of <paramref name="o"/>.</summary>
    public static RunFolder Open(TrainOptions o)
    {
        CommonChecks.OutputFolder(o.OutDir, "--out");
        string full = System.IO.Path.GetFullPath(o.OutDir);
        foreach (var (dir, option) in new[] { (o.TrainDir, "--train"), (o.ValDir, "--val"), (o.TestDir, "--test") })
            if (dir is not null && IsInside(full, System.IO.Path.GetFullPath(dir)))
                throw new CliException(ExitCodes.Usage, $"--out \"{o.OutDir}\" lies inside {option} \"{dir}\": its files would become a class on the next run. Choose a folder outside the data.");
        Directory.CreateDirectory(full);
        FileStream held;
        try { held = new FileStream(System.IO.Path.Combine(full, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--out \"{o.OutDir}\" is in use by another deepen run ({LockName} is locked{Holder(full)}). Wait for it, or choose another folder.", e);
        }
        held.SetLength(0);
        using (var w = new StreamWriter(held, leaveOpen: true)) w.Write(Environment.ProcessId);
        var run = new RunFolder(full, held);
        run.RemovedTemporaryFiles = RemoveTemporaryFiles(full);
        if (!o.Resume) run.ClearOutputs();
        return run;
    }

    /// <summary>The full history of a run that may have resumed: the restored epochs, then those <c>Fit</c> ran.</summary>
    public static History FullHistory(BackupAndRestore backup, History fit) => backup.RestoredEpoch is null ? fit : backup.RunHistory;

    void ClearOutputs()
    {
        foreach (var name in Outputs)
        {
            string p = System.IO.Path.Combine(Path, name);
            if (File.Exists(p)) File.Delete(p);
            else if (Directory.Exists(p)) Directory.Delete(p, recursive: true);
        }
    }

    /// <summary>Removes <c>NAME.tmp-…</c> files (atomic writes interrupted by a kill); only a run holding the lock may.</summary>
    static int RemoveTemporaryFiles(string folder)
    {
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*.tmp-*").Concat(Directory.Exists(System.IO.Path.Combine(folder, "report"))
                     ? Directory.EnumerateFiles(System.IO.Path.Combine(folder, "report"), "*.tmp-*") : []).ToList())
        {
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    static bool IsInside(string path, string folder)
    {
        string f = System.IO.Path.TrimEndingDirectorySeparator(folder) + System.IO.Path.DirectorySeparatorChar;
        return (System.IO.Path.TrimEndingDirectorySeparator(path) + System.IO.Path.DirectorySeparatorChar).StartsWith(f, StringComparison.Ordinal);
    }

    static string Holder(string folder)
    {
        try
        {
            using var s = new FileStream(System.IO.Path.Combine(folder, LockName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var r = new StreamReader(s);
            return r.ReadToEnd() is { Length: > 0 } pid ? $" by process {pid.Trim()}" : "";
        }
        catch (IOException) { return ""; }
    }

    /// <summary>Releases the lock and removes the lock file.</summary>
    public void Dispose()
    {
        try { File.Delete(System.IO.Path.Combine(Path, LockName)); } catch (IOException) { }
        _lock.Dispose();
    }
}
