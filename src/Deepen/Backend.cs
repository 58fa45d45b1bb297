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
    }

    /// <summary>
    /// The device new models are built on: CUDA when TorchSharp reports it (reference a TorchSharp CUDA package
    /// instead of TorchSharp-cpu to get it), otherwise the CPU. Set it to choose explicitly.
    /// </summary>
    public static torch.Device Device
    {
        get => _device ??= torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        set => _device = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>LibTorch's intra-op CPU threads (by default all cores LibTorch sees).</summary>
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
