using System.Runtime.InteropServices;

namespace Deepen.Distributed;

/// <summary>
/// A direct P/Invoke binding to Open MPI's C library (<c>libmpi.so.40</c>, Open MPI 3.x–5.x): the few calls
/// data-parallel training needs. Open MPI's handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>, …) are the
/// addresses of exported objects (<c>ompi_mpi_comm_world</c>, …), read with <see cref="NativeLibrary.GetExport"/>;
/// <c>MPI_IN_PLACE</c> is <c>(void*)1</c>. Why not MPI.NET: its binding is compiled for Microsoft MPI's integer
/// handles, so on Linux it works only against MPICH and crashes on Open MPI (docs/distributed.md).
/// Nothing here is touched unless the process was started by an MPI launcher with more than one process.
/// </summary>
internal static class Mpi
{
    const string Library = "libmpi.so.40";

    /// <summary>MPI_THREAD_MULTIPLE in Open MPI's <c>mpi.h</c>: LibTorch and the image pipeline run threads beside the calls.</summary>
    const int ThreadMultiple = 3;
    const int Success = 0;
    static readonly IntPtr InPlace = 1;

    static IntPtr _library;
    internal static IntPtr CommWorld, Float, Double, Int, Byte, Sum, Max;

    /// <summary>Loads the library, initializes MPI and reads the handles. Throws with what to install when it cannot.</summary>
    public static void Initialize()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("Deepen's MPI binding supports Open MPI on Linux (libmpi.so.40); see docs/distributed.md for other MPI libraries.");
        // RTLD_GLOBAL: Open MPI's plugins (mca_*.so) resolve symbols of libmpi and libopen-pal that a local load hides.
        _library = DlOpenGlobal(Library);
        if (_library == IntPtr.Zero && !NativeLibrary.TryLoad(Library, out _library))
            throw new DllNotFoundException($"The process was started by mpirun but {Library} (Open MPI) could not be loaded. " +
                "Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) on every machine, or see docs/distributed.md for MPICH and Intel MPI.");
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Int = Export("ompi_mpi_int");
        Byte = Export("ompi_mpi_byte");
        Sum = Export("ompi_mpi_op_sum");
        Max = Export("ompi_mpi_op_max");
        Check(MPI_Init_thread(IntPtr.Zero, IntPtr.Zero, ThreadMultiple, out int provided), "MPI_Init_thread");
        if (provided < ThreadMultiple)
            Console.Error.WriteLine($"Warning: the MPI library provides thread level {provided}, below MPI_THREAD_MULTIPLE; Deepen calls MPI from one thread only.");
    }

    static IntPtr Export(string name)
    {
        if (NativeLibrary.TryGetExport(_library, name, out var address)) return address;
        throw new EntryPointNotFoundException($"{Library} has no symbol {name}: it is not Open MPI. Deepen's binding needs Open MPI's ABI; see docs/distributed.md for MPICH and Intel MPI.");
    }

    public static int Rank() { Check(MPI_Comm_rank(CommWorld, out int r), "MPI_Comm_rank"); return r; }
    public static int Size() { Check(MPI_Comm_size(CommWorld, out int s), "MPI_Comm_size"); return s; }

    /// <summary>Reduces <paramref name="count"/> elements at <paramref name="buffer"/> across all ranks, in place.</summary>
    public static void AllreduceInPlace(ref byte buffer, int count, IntPtr type, IntPtr op) =>
        Check(MPI_Allreduce(InPlace, ref buffer, count, type, op, CommWorld), "MPI_Allreduce");

    public static void Broadcast(ref byte buffer, int count, IntPtr type, int root) =>
        Check(MPI_Bcast(ref buffer, count, type, root, CommWorld), "MPI_Bcast");

    public static void Barrier() => Check(MPI_Barrier(CommWorld), "MPI_Barrier");
    public static void Abort(int code) => MPI_Abort(CommWorld, code);
    public static void Shutdown() => MPI_Finalize();

    static void Check(int code, string call)
    {
        if (code != Success) throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
    }

    const int RtldNow = 2, RtldGlobal = 0x100;

    static IntPtr DlOpenGlobal(string name)
    {
        try { return dlopen(name, RtldNow | RtldGlobal); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return IntPtr.Zero; }
    }

    [DllImport("libc", CharSet = CharSet.Ansi)] static extern IntPtr dlopen(string file, int mode);

    [DllImport(Library)] static extern int MPI_Init_thread(IntPtr argc, IntPtr argv, int required, out int provided);
    [DllImport(Library)] static extern int MPI_Comm_rank(IntPtr comm, out int rank);
    [DllImport(Library)] static extern int MPI_Comm_size(IntPtr comm, out int size);
    [DllImport(Library)] static extern int MPI_Allreduce(IntPtr sendBuffer, ref byte receiveBuffer, int count, IntPtr type, IntPtr op, IntPtr comm);
    [DllImport(Library)] static extern int MPI_Bcast(ref byte buffer, int count, IntPtr type, int root, IntPtr comm);
    [DllImport(Library)] static extern int MPI_Barrier(IntPtr comm);
    [DllImport(Library)] static extern int MPI_Abort(IntPtr comm, int code);
    [DllImport(Library)] static extern int MPI_Finalize();
}
