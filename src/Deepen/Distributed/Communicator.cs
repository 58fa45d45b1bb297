using System.Globalization;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Deepen.Distributed;

/// <summary>
/// The processes of one training job, as MPI's <c>MPI_COMM_WORLD</c>: this process's rank, how many there are, and
/// the collective operations data-parallel training uses (in-place sum, broadcast, barrier, abort).
/// <see cref="World"/> is a single process (rank 0 of 1, every operation a no-op) unless the program was started by
/// <c>mpirun -np N</c> with N &gt; 1; only then is the MPI library loaded (Open MPI, see docs/distributed.md).
/// Under MPI, LibTorch's threads default to the cores a rank may use divided by the ranks on its machine, and ranks that were not
/// seeded agree on one seed, so their shuffles match.
/// </summary>
/// <example><code>
/// var world = Communicator.World;
/// if (world.IsRoot) model.Save("model.deepen");     // only rank 0 writes files
/// Console.WriteLine($"rank {world.Rank} of {world.Size}");
/// </code></example>
public sealed class Communicator
{
    static readonly Lazy<Communicator> _world = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    Communicator(int rank, int size, int localRank, int localSize)
    {
        Rank = rank;
        Size = size;
        LocalRank = localRank;
        LocalSize = localSize;
    }

    /// <summary>All processes of this job (a single process when not started by an MPI launcher).</summary>
    public static Communicator World => _world.Value;

    /// <summary>Whether <see cref="World"/> has more than one process, read from the launcher's environment without loading MPI.</summary>
    public static bool IsLaunchedDistributed => LaunchedSize() > 1;

    /// <summary>This process's index, 0 to <see cref="Size"/> − 1.</summary>
    public int Rank { get; }
    /// <summary>The number of processes.</summary>
    public int Size { get; }
    /// <summary>This process's index among the ranks on the same machine.</summary>
    public int LocalRank { get; }
    /// <summary>The number of ranks on this machine.</summary>
    public int LocalSize { get; }
    /// <summary>Whether this is rank 0, the one that prints progress and writes files.</summary>
    public bool IsRoot => Rank == 0;
    /// <summary>Whether there is more than one process.</summary>
    public bool IsDistributed => Size > 1;

    /// <summary>Replaces each element with its sum over all ranks.</summary>
    public void AllreduceSum(Span<float> values) => Reduce(MemoryMarshal.AsBytes(values), values.Length, Mpi.Float, Mpi.Sum);

    /// <summary>Replaces each element with its sum over all ranks.</summary>
    public void AllreduceSum(Span<double> values) => Reduce(MemoryMarshal.AsBytes(values), values.Length, Mpi.Double, Mpi.Sum);

    /// <summary>The largest <paramref name="value"/> over all ranks.</summary>
    public int AllreduceMax(int value)
    {
        Span<int> one = [value];
        Reduce(MemoryMarshal.AsBytes(one), 1, Mpi.Int, Mpi.Max);
        return one[0];
    }

    /// <summary>Copies <paramref name="root"/>'s <paramref name="data"/> into every rank's.</summary>
    public void Broadcast(Span<byte> data, int root = 0)
    {
        if (!IsDistributed || data.IsEmpty) return;
        Mpi.Broadcast(ref MemoryMarshal.GetReference(data), data.Length, Mpi.Byte, root);
    }

    /// <summary>Waits until every rank has called it.</summary>
    public void Barrier()
    {
        if (IsDistributed) Mpi.Barrier();
    }

    /// <summary>Ends every rank of the job with <paramref name="exitCode"/> (MPI_Abort); a single process just exits.</summary>
    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (IsDistributed) Mpi.Abort(exitCode);
        Environment.Exit(exitCode);
    }

    void Reduce(Span<byte> bytes, int count, IntPtr type, IntPtr op)
    {
        if (!IsDistributed || count == 0) return;
        Mpi.AllreduceInPlace(ref MemoryMarshal.GetReference(bytes), count, type, op);
    }

    /// <summary>Sums a contiguous CPU float32 or float64 tensor over all ranks, in place, through a view of its memory.</summary>
    internal void AllreduceSum(Tensor flat)
    {
        if (!IsDistributed) return;
        CheckFlat(flat);
        Reduce(flat.bytes, checked((int)flat.numel()), flat.dtype == ScalarType.Float64 ? Mpi.Double : Mpi.Float, Mpi.Sum);
    }

    /// <summary>Copies rank <paramref name="root"/>'s values of a CPU tensor into every rank's, in place.</summary>
    internal void Broadcast(Tensor tensor, int root = 0)
    {
        if (!IsDistributed) return;
        if (tensor.device.type == TorchSharp.DeviceType.CPU && tensor.is_contiguous()) { Broadcast(tensor.bytes, root); return; }
        using var _ = no_grad();
        using var copy = tensor.detach().cpu().contiguous();
        Broadcast(copy.bytes, root);
        tensor.copy_(copy);
    }

    static void CheckFlat(Tensor t)
    {
        if (t.device.type != TorchSharp.DeviceType.CPU || !t.is_contiguous() || t.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"Expected a contiguous float32 or float64 CPU tensor; received {t.dtype} on {t.device}.", nameof(t));
    }

    /// <summary>The number of processes the launcher started, from its environment: 1 when not launched by MPI.</summary>
    internal static int LaunchedSize() =>
        EnvInt("OMPI_COMM_WORLD_SIZE")                                                        // Open MPI's mpirun
        ?? (Environment.GetEnvironmentVariable("PMIX_RANK") is not null ? EnvInt("SLURM_NTASKS") : null)   // srun --mpi=pmix
        ?? EnvInt("PMI_SIZE")                                                                  // MPICH / Intel MPI's Hydra
        ?? 1;

    static int? EnvInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    static Communicator Start()
    {
        if (LaunchedSize() <= 1) return new Communicator(0, 1, 0, 1);
        if (Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is null && Environment.GetEnvironmentVariable("PMIX_RANK") is null)
            throw new PlatformNotSupportedException(
                "This process was started by an MPICH-family launcher (PMI_SIZE is set); Deepen's MPI binding supports Open MPI. " +
                "Install Open MPI and start with its mpirun, or see docs/distributed.md for MPICH and Intel MPI.");
        Mpi.Initialize();
        int localSize = EnvInt("OMPI_COMM_WORLD_LOCAL_SIZE") ?? FirstInt(Environment.GetEnvironmentVariable("SLURM_TASKS_PER_NODE")) ?? 1;
        var world = new Communicator(Mpi.Rank(), Mpi.Size(), EnvInt("OMPI_COMM_WORLD_LOCAL_RANK") ?? EnvInt("SLURM_LOCALID") ?? 0, localSize);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // A rank that ends with an error while others wait in a collective would hang them in MPI_Finalize: abort instead.
            if (Environment.ExitCode != 0) Mpi.Abort(Environment.ExitCode);
            else Mpi.Shutdown();
        };
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            Console.Error.WriteLine($"error: rank {world.Rank} of {world.Size}: {(e.ExceptionObject as Exception)?.Message}");
            world.Abort(1);
        };
        Backend.ShareCoresAmong(localSize);       // LibTorch's and the decoders' threads: this rank's share of the cores
        world.AgreeOnSeed();
        return world;
    }

    /// <summary>Unseeded ranks would shuffle differently: they all take rank 0's seed.</summary>
    void AgreeOnSeed()
    {
        Span<int> seed = [Backend.Seed ?? Random.Shared.Next()];
        Broadcast(MemoryMarshal.AsBytes(seed));
        if (Backend.Seed is null) Backend.SetRandomSeed(seed[0]);
    }

    static int? FirstInt(string? text)
    {
        if (text is null) return null;
        int end = 0;
        while (end < text.Length && char.IsDigit(text[end])) end++;
        return end > 0 ? int.Parse(text[..end], CultureInfo.InvariantCulture) : null;
    }
}
