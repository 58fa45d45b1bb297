using System.Diagnostics;

namespace Deepen.Distributed;

/// <summary>
/// Starts a program as an MPI job of N processes on this machine with Open MPI's <c>mpirun</c>, with the settings a
/// single machine needs: <c>--allow-run-as-root</c> when running as root, <c>--oversubscribe</c> past the core
/// count, <c>--bind-to none</c> (each rank sets its own LibTorch threads), messages over shared memory and loopback
/// only, and <c>TERM=dumb</c> so .NET writes no terminal escape codes into the ranks' output (and, when this
/// process's output is redirected, one progress line per epoch instead of a redrawn bar).
/// <c>deepen train --workers N</c> runs itself this way.
/// </summary>
/// <example><code>
/// var info = Launcher.CreateStartInfo(2, "dotnet", ["MyTraining.dll"]);
/// using var job = Process.Start(info)!;
/// job.WaitForExit();
/// </code></example>
public static class Launcher
{
    /// <summary>The full path of <c>mpirun</c> on the PATH, or null when MPI is not installed.</summary>
    public static string? FindMpirun()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "mpirun");
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>What to say when <c>mpirun</c> is missing.</summary>
    public const string InstallHint =
        "mpirun was not found on the PATH. Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; " +
        "Fedora: dnf install openmpi-devel and load its module; macOS: brew install open-mpi), or run without --workers.";

    /// <summary>
    /// The process that runs <paramref name="program"/> <paramref name="arguments"/> as <paramref name="workers"/>
    /// ranks on this machine. Output is not redirected unless the caller sets it.
    /// </summary>
    /// <exception cref="FileNotFoundException">mpirun is not on the PATH (the message says what to install).</exception>
    public static ProcessStartInfo CreateStartInfo(int workers, string program, IEnumerable<string> arguments)
    {
        Utils.Check.Positive(workers, nameof(workers));
        var mpirun = FindMpirun() ?? throw new FileNotFoundException(InstallHint, "mpirun");
        var info = new ProcessStartInfo(mpirun) { UseShellExecute = false };
        if (Environment.UserName == "root") info.ArgumentList.Add("--allow-run-as-root");
        if (workers > Environment.ProcessorCount) info.ArgumentList.Add("--oversubscribe");
        foreach (var a in new[] { "--bind-to", "none", "-np", workers.ToString(System.Globalization.CultureInfo.InvariantCulture), program }) info.ArgumentList.Add(a);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["OMPI_MCA_btl"] = "self,vader";
        info.Environment["OMPI_MCA_btl_tcp_if_include"] = "lo";
        info.Environment["OMPI_MCA_oob_tcp_if_include"] = "lo";
        info.Environment["TERM"] = "dumb";
        // The ranks write to mpirun's pseudo-terminal even when its own output goes to a file: ask for plain lines then.
        if (Console.IsOutputRedirected) info.Environment[DataParallel.ProgressVariable] = "lines";
        return info;
    }

    /// <summary>
    /// This .NET program's own command line (the apphost, or <c>dotnet</c> and the entry assembly), to start it again
    /// under mpirun.
    /// </summary>
    public static (string Program, IReadOnlyList<string> Prefix) CurrentProgram()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of the running program is unknown.");
        bool host = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return host && !string.IsNullOrEmpty(entry) ? (process, new[] { entry }) : (process, Array.Empty<string>());
    }
}
