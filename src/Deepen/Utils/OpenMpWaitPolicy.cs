using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Deepen.Utils;

/// <summary>
/// Makes LibTorch's idle OpenMP threads sleep instead of spinning: <c>OMP_WAIT_POLICY=PASSIVE</c>, set before LibTorch
/// loads, unless the user chose a policy (<c>OMP_WAIT_POLICY</c>, <c>GOMP_SPINCOUNT</c> or <c>KMP_BLOCKTIME</c>).
/// By default GNU OpenMP (the runtime LibTorch ships on Linux) spins for about 300,000 iterations at every barrier
/// before it sleeps. On a quiet machine that costs nothing; beside other busy processes a spinning thread burns the
/// time slice its preempted partner needs to reach the barrier, and training ran 3–5× slower beside two busy processes
/// on two cores where fair share is 2× (benchmarks/README.md, "Training beside busy processes"). Passive waiting kept
/// it near fair share, and quiet-machine speed within noise.
/// The OpenMP runtime reads the variable once, when LibTorch loads, so Deepen sets it in the process environment (the
/// C library's, which the runtime reads, not only .NET's copy) when Deepen's assembly loads, before its first
/// LibTorch call. A program that calls TorchSharp before any Deepen code keeps OpenMP's default.
/// </summary>
internal static class OpenMpWaitPolicy
{
    internal const string Variable = "OMP_WAIT_POLICY";
    internal const string Value = "PASSIVE";
    static readonly string[] UserChoices = [Variable, "GOMP_SPINCOUNT", "KMP_BLOCKTIME"];

    /// <summary>The variable through which the user chose how OpenMP threads wait, or null.</summary>
    internal static string? UserChoice { get; private set; }

    /// <summary>Whether Deepen set <c>OMP_WAIT_POLICY=PASSIVE</c> before the OpenMP runtime loaded.</summary>
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
                || Marshal.GetDelegateForFunctionPointer<SetEnvFn>(setenv)(Variable, Value, 1) != 0) return;
        }
        else Environment.SetEnvironmentVariable(Variable, Value);   // Windows: the process environment itself
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
        : Applied ? $"idle LibTorch threads sleep ({Variable}={Value})"
        : $"idle LibTorch threads spin (LibTorch loaded before Deepen; set {Variable}={Value} on a busy machine)";
}
