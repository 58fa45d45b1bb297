using System.Diagnostics;
using Deepen.Distributed;

namespace Deepen.Tests.Distributed;

/// <summary>What a multi-process run returned and printed.</summary>
internal sealed record JobResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>
/// Starts test programs (tests/DistributedProbe, the deepen CLI) as MPI jobs with <see cref="Launcher"/>, or as one
/// plain process. These tests need Open MPI's mpirun: CI installs it (.ci/run); they fail, never skip, without it.
/// </summary>
internal static class MpiJob
{
    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Environment.ProcessPath!;

    public static string Probe => Path.Combine(AppContext.BaseDirectory, "DistributedProbe.dll");
    public static string Cli => Path.Combine(AppContext.BaseDirectory, "Deepen.Cli.dll");

    /// <summary>Runs <c>dotnet DLL args</c> as <paramref name="ranks"/> MPI ranks (a plain process when 1).</summary>
    public static JobResult Run(int ranks, string dll, params string[] args)
    {
        ProcessStartInfo info;
        if (ranks == 1)
        {
            info = new ProcessStartInfo(Dotnet) { UseShellExecute = false };
            info.ArgumentList.Add(dll);
            foreach (var a in args) info.ArgumentList.Add(a);
            info.Environment["TERM"] = "dumb";
        }
        else
        {
            Assert.True(Launcher.FindMpirun() is not null, "These tests need Open MPI's mpirun (.ci/run installs it): " + Launcher.InstallHint);
            info = Launcher.CreateStartInfo(ranks, Dotnet, new[] { dll }.Concat(args));
        }
        return Start(info);
    }

    public static JobResult Start(ProcessStartInfo info, int timeoutSeconds = 300)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{info.FileName} {string.Join(' ', info.ArgumentList)} did not finish in {timeoutSeconds}s.\n{stdout.Result}\n{stderr.Result}");
        }
        return new JobResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
