using System.Runtime.CompilerServices;

// LibTorch's random generator is process-wide and tests seed it and compare random results, so tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Deepen.Tests;

internal static class TestAssemblySetup
{
    /// <summary>
    /// The tests use tiny tensors, for which LibTorch's thread pool costs more than it gives: on a shared 2-core machine a
    /// step of a small MLP took ~40 ms with 2 intra-op threads and ~6 ms with 1. One thread keeps the suite fast and
    /// its timing steady; results do not depend on it.
    /// </summary>
    [ModuleInitializer]
    internal static void UseOneLibTorchThread() => Backend.Threads = 1;
}
