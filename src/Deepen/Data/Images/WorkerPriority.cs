using System.Runtime.InteropServices;

namespace Deepen.Data.Images;

/// <summary>
/// Lowers the scheduling priority of the calling thread (Linux: its nice value), so decoding threads yield the CPU to
/// LibTorch's compute threads: an OpenMP thread preempted mid-operation makes its partners wait at the next barrier,
/// which costs far more than the decoding it lets run. Elsewhere, or if the call fails, nothing changes.
/// </summary>
internal static class WorkerPriority
{
    const int PrioProcess = 0;

    public static void Lower(int nice)
    {
        if (!OperatingSystem.IsLinux() || nice <= 0) return;
        try { _ = SetPriority(PrioProcess, GetTid(), nice); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "setpriority")]
    static extern int SetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "gettid")]
    static extern int GetTid();
}
