using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Deepen.Utils;

/// <summary>
/// Keeps LibTorch's idle OpenMP threads from spinning long: on Linux <c>GOMP_SPINCOUNT=10000</c> (GNU OpenMP, the runtime
/// LibTorch ships there, spins that many times at a barrier, a fraction of a millisecond, then sleeps), elsewhere
/// <c>OMP_WAIT_POLICY=PASSIVE</c> (sleep at once), set before LibTorch loads unless the user chose a policy
/// (<c>OMP_WAIT_POLICY</c>, <c>GOMP_SPINCOUNT</c> or <c>KMP_BLOCKTIME</c>).
/// GNU OpenMP's default spins 300,000 times. On a quiet machine that costs nothing; beside other busy processes a
/// spinning thread burns the time slice its preempted partner needs to reach the barrier: the demo took 1.8–4× as
/// long beside two busy processes on two cores as with short spins or none (benchmarks/README.md, "Training beside
/// busy processes"). Sleeping at once cost a little on a quiet machine (each parallel region must wake its threads);
/// the short spin kept the quiet speed and the busy one.
/// The OpenMP runtime reads these variables once, when LibTorch loads, so Deepen sets the variable in the process
/// environment (the C library's, which the runtime reads, not only .NET's copy) when Deepen's assembly loads, before
/// its first LibTorch call. A program that calls TorchSharp before any Deepen code keeps OpenMP's default.
/// </summary>
internal static class OpenMpWaitPolicy
{
    /// <summary>The variable Deepen sets on this platform, and its value.</summary>
    internal static readonly (string Name, string Value) Setting =
        OperatingSystem.IsLinux() ? ("GOMP_SPINCOUNT", "10000") : ("OMP_WAIT_POLICY", "PASSIVE");

    static readonly string[] UserChoices = ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME"];

    /// <summary>The variable through which the user chose how OpenMP threads wait, or null.</summary>
    internal static string? UserChoice { get; private set; }

    /// <summary>Whether Deepen set <see cref="Setting"/> before the OpenMP runtime loaded.</summary>
    internal static bool Applied { get; private set; }

#pragma warning disable CA2255 // It must run before LibTorch loads, which the first call into Deepen may do.
    [ModuleInitializer]
    internal static void ApplyOnLoad()
#pragma warning restore CA2255
    {
        try { Apply(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException) { }   // best effort: the default policy still computes the same results
    }

    static void Apply()
    {
        UserChoice = UserChoices.FirstOrDefault(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)));
        if (UserChoice is not null || OpenMpLoaded()) return;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            // .NET keeps its own copy of the environment on Unix; the OpenMP runtime reads the C library's. Only that one
            // is set, so child processes (each a program of its own) still see the user's environment unchanged.
            if (!NativeLibrary.TryLoad(OperatingSystem.IsLinux() ? "libc.so.6" : "/usr/lib/libSystem.B.dylib", out var libc)
                || !NativeLibrary.TryGetExport(libc, "setenv", out var setenv)
                || Marshal.GetDelegateForFunctionPointer<SetEnvFn>(setenv)(Setting.Name, Setting.Value, 1) != 0) return;
        }
        else Environment.SetEnvironmentVariable(Setting.Name, Setting.Value);   // Windows: the process environment itself
        Applied = true;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int SetEnvFn([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    /// <summary>Whether an OpenMP runtime is already in this process (Linux; elsewhere assumed not).</summary>
    static bool OpenMpLoaded() =>
        OperatingSystem.IsLinux() && File.Exists("/proc/self/maps")
        && File.ReadLines("/proc/self/maps").Any(l => l.Contains("/libgomp", StringComparison.Ordinal) || l.Contains("/libiomp", StringComparison.Ordinal) || l.Contains("/libomp", StringComparison.Ordinal));

    /// <summary>How LibTorch's idle threads wait, for <see cref="Backend.DescribeThreads"/>.</summary>
    internal static string Describe() =>
        UserChoice is string v ? $"idle LibTorch threads wait as {v}={Environment.GetEnvironmentVariable(v)} says"
        : !Applied ? $"idle LibTorch threads spin (OpenMP's default: Deepen could not set {Setting.Name}={Setting.Value} before LibTorch loaded; set it on a busy machine)"
        : Setting.Name == "GOMP_SPINCOUNT" ? $"idle LibTorch threads spin briefly, then sleep ({Setting.Name}={Setting.Value})"
        : $"idle LibTorch threads sleep ({Setting.Name}={Setting.Value})";
}
