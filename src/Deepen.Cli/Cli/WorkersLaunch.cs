using System.CommandLine;
using System.Diagnostics;
using Deepen.Distributed;

namespace Deepen.Cli;

/// <summary>
/// <c>deepen train --workers N</c>: runs the same command as N MPI ranks on this machine (<c>mpirun -np N</c>, with
/// the settings <see cref="Launcher"/> gives a single machine) and returns mpirun's exit code. The ranks train
/// data-parallel; rank 0 prints and writes the outputs.
/// </summary>
internal static class WorkersLaunch
{
    public static int Run(ParseResult parse, int workers)
    {
        if (workers < 1)
            throw new CliException(ExitCodes.Usage, $"Invalid value for --workers: {workers}. Expected a positive number of processes, e.g. 2.");
        if (Launcher.FindMpirun() is null) throw new CliException(ExitCodes.Failure, "--workers needs MPI: " + Launcher.InstallHint);
        var (program, prefix) = Launcher.CurrentProgram();
        var info = Launcher.CreateStartInfo(workers, program, prefix.Concat(WithoutWorkers(parse.Tokens.Select(t => t.Value).ToList())));
        using var job = Process.Start(info) ?? throw new CliException(ExitCodes.Failure, $"Could not start {info.FileName}.");
        job.WaitForExit();
        return job.ExitCode;
    }

    /// <summary>
    /// This rank's options under MPI: rank 0 runs the command as given; the others print nothing and write into a
    /// private temporary folder (deleted when the returned handle is disposed), so the run folder, its lock, backups and
    /// outputs belong to rank 0 alone. <c>--resume</c> is refused under MPI (the other ranks have no optimizer state to
    /// resume from).
    /// </summary>
    public static RankFolder ForThisRank(ref TrainOptions options)
    {
        var world = Communicator.World;
        if (!world.IsDistributed) return new RankFolder(true, null);
        if (options.Resume)
            throw new CliException(ExitCodes.Usage, "--resume is not supported with --workers or mpirun yet: resume in a single process, or start the run again.");
        if (world.IsRoot) return new RankFolder(true, null);
        string dir = Path.Combine(Path.GetTempPath(), $"deepen-rank{world.Rank}-{Environment.ProcessId}");
        options = options with { OutDir = dir, Verbose = 0, ModelChoice = null };
        return new RankFolder(false, dir);
    }

    /// <summary>Whether this rank writes the outputs; deletes a non-root rank's private folder when disposed.</summary>
    internal sealed record RankFolder(bool IsRoot, string? PrivateDir) : IDisposable
    {
        public void Dispose()
        {
            if (PrivateDir is null || !Directory.Exists(PrivateDir)) return;
            try { Directory.Delete(PrivateDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The command's tokens without <c>--workers N</c> (the ranks must not launch again).</summary>
    internal static IEnumerable<string> WithoutWorkers(IReadOnlyList<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] == "--workers") { i++; continue; }
            if (tokens[i].StartsWith("--workers=", StringComparison.Ordinal)) continue;
            yield return tokens[i];
        }
    }
}
