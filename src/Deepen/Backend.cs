using System.Runtime.InteropServices;
using Deepen.Utils;
using TorchSharp;

namespace Deepen;

/// <summary>
/// Process-wide engine settings: the device new models live on, CPU threads, and the random seed.
/// </summary>
/// <example><code>
/// Backend.SetRandomSeed(42);          // repeatable weights, shuffles and dropout on CPU
/// Backend.Threads = 4;                // LibTorch intra-op threads
/// Console.WriteLine(Backend.Device);  // cuda when TorchSharp reports a GPU, else cpu
/// </code></example>
public static class Backend
{
    static torch.Device? _device;

    static Backend()
    {
        try { Nnpack.DisableWhenUnavailable(); }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or MarshalDirectiveException) { }   // best effort: only silences LibTorch's warnings
        ApplyThreadPolicy();
    }

    const string ThreadsVariable = "DEEPEN_THREADS";
    static int _localRanks = 1;
    static string? _threadsOverride;      // the variable that set LibTorch's threads; null: Cores

    /// <summary>
    /// The CPU cores this process may use: <see cref="Environment.ProcessorCount"/>, which .NET computes from the CPU
    /// affinity mask and the cgroup CPU quota (a container limited to 2 CPUs on a 64-core host gets 2, where LibTorch
    /// alone would start 64 threads), shared among the MPI ranks on this machine when started by <c>mpirun</c>.
    /// LibTorch's intra-op threads and the image pipeline's decoding threads default to it.
    /// </summary>
    public static int Cores => Math.Max(1, Environment.ProcessorCount / _localRanks);

    /// <summary>
    /// LibTorch's threads by default: <c>DEEPEN_THREADS</c> when set, else <c>OMP_NUM_THREADS</c> when set (LibTorch
    /// reads it), else <see cref="Cores"/>.
    /// </summary>
    static void ApplyThreadPolicy()
    {
        string? own = Environment.GetEnvironmentVariable(ThreadsVariable);
        int n = 0;
        if (!string.IsNullOrWhiteSpace(own)
            && !(int.TryParse(own, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out n) && n > 0))
            Console.Error.WriteLine($"warning: ignored {ThreadsVariable}={own}: expected a positive integer (LibTorch's threads).");   // a type initializer cannot report an error usefully
        if (n > 0)
        {
            torch.set_num_threads(n);
            _threadsOverride = ThreadsVariable;
        }
        else if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"))) _threadsOverride = "OMP_NUM_THREADS";
        else if (torch.get_num_threads() != Cores) torch.set_num_threads(Cores);
    }

    /// <summary>Shares the cores among <paramref name="localRanks"/> processes of one MPI job on this machine.</summary>
    internal static void ShareCoresAmong(int localRanks)
    {
        _localRanks = Math.Max(1, localRanks);
        if (_threadsOverride is null) torch.set_num_threads(Cores);
    }

    /// <summary>
    /// One line on the threads Deepen starts: LibTorch's intra-op threads and where that number came from, the image
    /// pipeline's decoding threads (when <paramref name="imageDecoding"/>), the usable cores, and how LibTorch's idle
    /// OpenMP threads wait (Deepen's default: a short spin, then sleep; see <c>OpenMpWaitPolicy</c>) (for verbose output).
    /// </summary>
    public static string DescribeThreads(bool imageDecoding = true) =>
        $"Threads: {Cores} usable core(s) ({(_localRanks > 1 ? $"{Environment.ProcessorCount} shared by {_localRanks} MPI ranks on this machine" : "CPU affinity and cgroup quota")}) -> " +
        $"LibTorch {Threads}{(_threadsOverride is null ? "" : $" (from {_threadsOverride})")}" +
        (imageDecoding ? $", image decoding {Cores}" : "") + $"; {OpenMpWaitPolicy.Describe()}. {ThreadsVariable}=N sets LibTorch's.";

    /// <summary>
    /// The device new models are built on: CUDA when TorchSharp reports it (reference a TorchSharp CUDA package
    /// instead of TorchSharp-cpu to get it), otherwise the CPU. Set it to choose explicitly.
    /// </summary>
    public static torch.Device Device
    {
        get => _device ??= torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        set => _device = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>LibTorch's intra-op CPU threads (by default <see cref="Cores"/>, or <c>DEEPEN_THREADS</c> / <c>OMP_NUM_THREADS</c> when set).</summary>
    public static int Threads
    {
        get => torch.get_num_threads();
        set
        {
            if (value <= 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Invalid value received for argument `Threads`. Expected a positive integer. Received: Threads={value}");
            torch.set_num_threads(value);
        }
    }

    /// <summary>
    /// Runs the enclosed LibTorch work on at most <paramref name="threads"/> intra-op threads, restoring the previous
    /// count when disposed. The image pipeline assembles batches this way while its decoding threads keep the cores
    /// busy: a multi-threaded operation whose threads are preempted waits for them at every barrier.
    /// </summary>
    internal static ThreadLimit LimitThreads(int threads) => new(threads);

    internal readonly struct ThreadLimit : IDisposable
    {
        readonly int _previous;

        public ThreadLimit(int threads)
        {
            _previous = torch.get_num_threads();
            if (threads < _previous) torch.set_num_threads(threads);
        }

        public void Dispose()
        {
            if (_previous > 0 && torch.get_num_threads() != _previous) torch.set_num_threads(_previous);
        }
    }

    /// <summary>The seed last given to <see cref="SetRandomSeed"/>, or null.</summary>
    public static int? Seed { get; private set; }

    /// <summary>
    /// Seeds every random source Deepen uses (LibTorch's generator for weights and dropout, and the shuffling of
    /// <c>Fit</c>), like Keras's <c>keras.utils.set_random_seed</c>. On CPU, training is then repeatable.
    /// </summary>
    public static void SetRandomSeed(int seed)
    {
        Seed = seed;
        torch.random.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
        _shuffleCounter = 0;
    }

    static long _shuffleCounter;

    /// <summary>A generator for shuffling: seeded from <see cref="Seed"/> when set, otherwise from the clock.</summary>
    internal static Random NewShuffleRandom()
    {
        long n = Interlocked.Increment(ref _shuffleCounter);
        return Seed is int s ? new Random(Utils.Seeds.Mix(s, (int)n, stream: 1)) : new Random(); // not HashCode.Combine: it differs per process
    }

    /// <summary>The seed <see cref="NewShuffleRandom"/> would use (a random one when <see cref="Seed"/> is not set), for sources that replay their draws.</summary>
    internal static int NewShuffleSeed()
    {
        long n = Interlocked.Increment(ref _shuffleCounter);
        return Seed is int s ? Utils.Seeds.Mix(s, (int)n, stream: 1) : Random.Shared.Next();
    }
}
