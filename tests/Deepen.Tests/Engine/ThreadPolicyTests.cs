using System.Diagnostics;
using Deepen.Tests.Data;
using Deepen.Tests.Distributed;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Engine;

/// <summary>
/// The threads Deepen starts come from the cores this process may use (CPU affinity and cgroup quota, as .NET's
/// ProcessorCount computes them), can be overridden (DEEPEN_THREADS, OMP_NUM_THREADS) and are printed once by
/// <c>deepen train</c>. Each case runs the CLI in a child process, since LibTorch's thread count is process-wide.
/// </summary>
public class ThreadPolicyTests : IDisposable
{
    readonly TempDir _dir = new();

    public ThreadPolicyTests()
    {
        for (int c = 0; c < 2; c++)
        {
            Directory.CreateDirectory(_dir.File($"data/c{c}"));
            for (int i = 0; i < 6; i++) TestImages.Png(_dir.File($"data/c{c}/{i}.png"), 16, 16, TestImages.Pattern(c * 100 + i));
        }
    }

    public void Dispose() => _dir.Dispose();

    JobResult Train(Dictionary<string, string?> environment, string? taskset = null)
    {
        var info = new ProcessStartInfo(taskset ?? MpiJob.Dotnet) { UseShellExecute = false };
        if (taskset is not null) { info.ArgumentList.Add("-c"); info.ArgumentList.Add("0"); info.ArgumentList.Add(MpiJob.Dotnet); }
        foreach (var a in new[] { MpiJob.Cli, "train", "--train", _dir.File("data"), "--out", _dir.File("out-" + Guid.NewGuid().ToString("N")),
                     "--image-size", "16", "--model", "small-cnn", "--epochs", "1", "--batch-size", "4", "--seed", "1" })
            info.ArgumentList.Add(a);
        foreach (var v in new[] { "OMP_NUM_THREADS", "DEEPEN_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME", "OMP_DISPLAY_ENV" })
            info.Environment.Remove(v);
        foreach (var (k, v) in environment) info.Environment[k] = v;
        var result = MpiJob.Start(info);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>How LibTorch's idle threads wait by default: a short spin on Linux (GNU OpenMP), sleeping elsewhere.</summary>
    static string DefaultWaiting => OperatingSystem.IsLinux()
        ? "idle LibTorch threads spin briefly, then sleep (GOMP_SPINCOUNT=10000)" : "idle LibTorch threads sleep (OMP_WAIT_POLICY=PASSIVE)";

    static string ThreadsLine(JobResult r) => Assert.Single(r.Out.Split('\n'), l => l.StartsWith("Threads: ", StringComparison.Ordinal));

    [Fact]
    public void ByDefaultLibTorchAndTheDecodersUseTheUsableCores()
    {
        int cores = Environment.ProcessorCount;
        string line = ThreadsLine(Train(new()));
        Assert.StartsWith($"Threads: {cores} usable core(s) (CPU affinity and cgroup quota) -> LibTorch {cores}, image decoding {cores}; {DefaultWaiting}.", line);
    }

    [Fact]
    public void ACpuAffinityOfOneCoreGivesOneThreadOfEach()
    {
        if (!OperatingSystem.IsLinux()) return;                       // taskset is Linux's (util-linux, part of every Debian)
        string? taskset = new[] { "/usr/bin/taskset", "/bin/taskset" }.FirstOrDefault(File.Exists);
        Assert.True(taskset is not null, "taskset (util-linux) is missing");
        string line = ThreadsLine(Train(new(), taskset));
        Assert.StartsWith($"Threads: 1 usable core(s) (CPU affinity and cgroup quota) -> LibTorch 1, image decoding 1; {DefaultWaiting}.", line);
    }

    [Theory]
    [InlineData("DEEPEN_THREADS")]
    [InlineData("OMP_NUM_THREADS")]
    public void AnEnvironmentVariableSetsLibTorchsThreads(string variable)
    {
        string line = ThreadsLine(Train(new() { [variable] = "1" }));
        Assert.Contains($"-> LibTorch 1 (from {variable}), image decoding {Environment.ProcessorCount};", line);
    }

    [Fact]
    public void AnInvalidDeepenThreadsIsIgnoredWithAWarning()
    {
        var result = Train(new() { ["DEEPEN_THREADS"] = "zero" });
        Assert.Contains("warning: ignored DEEPEN_THREADS=zero: expected a positive integer (LibTorch's threads).", result.Err);
        Assert.Contains($"-> LibTorch {Environment.ProcessorCount}, ", ThreadsLine(result));
    }

    /// <summary>GNU OpenMP prints its settings, the spin count included, when OMP_DISPLAY_ENV=VERBOSE.</summary>
    static string? SpinCount(JobResult r) =>
        r.Err.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("GOMP_SPINCOUNT = '", StringComparison.Ordinal));

    [Fact]
    public void LibTorchsIdleThreadsSpinBrieflyByDefault()
    {
        // GNU OpenMP, LibTorch's on Linux, spins 300,000 times at each barrier unless GOMP_SPINCOUNT reached it before it
        // loaded: beside busy processes that spinning made the demo 1.8-4x slower (benchmarks/README.md).
        if (!OperatingSystem.IsLinux()) return;
        var result = Train(new() { ["OMP_DISPLAY_ENV"] = "VERBOSE" });
        Assert.Equal("GOMP_SPINCOUNT = '10000'", SpinCount(result));
        Assert.Contains($"; {DefaultWaiting}. ", ThreadsLine(result));
    }

    [Theory]
    [InlineData("OMP_WAIT_POLICY", "ACTIVE", "30000000000")]
    [InlineData("GOMP_SPINCOUNT", "300000", "300000")]
    public void AUsersWaitPolicyIsKept(string variable, string value, string spinCount)
    {
        if (!OperatingSystem.IsLinux()) return;
        var result = Train(new() { ["OMP_DISPLAY_ENV"] = "VERBOSE", [variable] = value });
        Assert.Equal($"GOMP_SPINCOUNT = '{spinCount}'", SpinCount(result));
        Assert.Contains($"; idle LibTorch threads wait as {variable}={value} says. ", ThreadsLine(result));
    }
}
