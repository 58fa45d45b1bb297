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
