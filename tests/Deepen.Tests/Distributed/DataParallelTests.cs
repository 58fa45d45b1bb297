using System.Text.Json;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Distributed;

/// <summary>
/// Runs tests/DistributedProbe once as 1 plain process, 2 ranks and 3 ranks (oversubscribed on a 2-core machine); each
/// run trains four small models on generated data and writes every rank's weights and History.
/// </summary>
public sealed class ProbeRuns : IDisposable
{
    readonly TempDir _root = new();

    public ProbeRuns()
    {
        foreach (int ranks in new[] { 1, 2, 3 })
        {
            string dir = Path.Combine(_root.Path, $"np{ranks}");
            var result = MpiJob.Run(ranks, MpiJob.Probe, "fit", dir);
            Assert.True(result.ExitCode == 0, result.ToString());
            Dirs[ranks] = dir;
            Outputs[ranks] = result;
        }
    }

    internal Dictionary<int, string> Dirs { get; } = new();
    internal Dictionary<int, JobResult> Outputs { get; } = new();

    internal ProbeResult Read(int ranks, string run, int rank) =>
        ProbeResult.Read(Path.Combine(Dirs[ranks], $"{run}.r{rank}.json"));

    public void Dispose() => _root.Dispose();
}

public sealed record ProbeWeight(string Name, bool Trainable, byte[] Bytes)
{
    public float[] Values => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Bytes).ToArray();
}

public sealed record ProbeResult(IReadOnlyList<ProbeWeight> Weights, Dictionary<string, double[]> History, int Epochs, int Threads)
{
    public static ProbeResult Read(string path)
    {
        Assert.True(File.Exists(path), $"missing {path}");
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        var weights = root.GetProperty("weights").EnumerateArray()
            .Select(w => new ProbeWeight(w.GetProperty("Name").GetString()!, w.GetProperty("Trainable").GetBoolean(), Convert.FromBase64String(w.GetProperty("Data").GetString()!)))
            .ToList();
        var history = root.GetProperty("history").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray());
        return new ProbeResult(weights, history, root.GetProperty("epochs").GetInt32(), root.GetProperty("threads").GetInt32());
    }
}

/// <summary>
/// Data-parallel Fit across MPI ranks against a single process on the same global batches (Horovod/DDP semantics):
/// the runs are described in tests/DistributedProbe/Program.cs.
/// </summary>
public sealed class DataParallelTests : IClassFixture<ProbeRuns>
{
    readonly ProbeRuns _runs;
    public DataParallelTests(ProbeRuns runs) => _runs = runs;

    public static TheoryData<int, string> RanksAndRuns() => new()
    {
        { 2, "sgd" }, { 2, "adam" }, { 2, "functional" }, { 2, "callbacks" }, { 2, "multi" },
        { 3, "sgd" }, { 3, "adam" }, { 3, "functional" }, { 3, "callbacks" }, { 3, "multi" },
    };

    [Theory]
    [MemberData(nameof(RanksAndRuns))]
    public void TrainableWeightsAreBitwiseIdenticalOnAllRanks(int ranks, string run)
    {
        var root = _runs.Read(ranks, run, 0);
        for (int rank = 1; rank < ranks; rank++)
        {
            var other = _runs.Read(ranks, run, rank);
            Assert.Equal(root.Weights.Count, other.Weights.Count);
            for (int i = 0; i < root.Weights.Count; i++)
            {
                // BatchNormalization's moving statistics are per rank (Horovod's default); everything else is identical.
                if (!root.Weights[i].Trainable && run == "functional") continue;
                Assert.True(root.Weights[i].Bytes.AsSpan().SequenceEqual(other.Weights[i].Bytes), $"{run}: weight {root.Weights[i].Name} differs between rank 0 and rank {rank}");
            }
            Assert.Equal(root.History.Keys.Order(), other.History.Keys.Order());
            foreach (var (key, values) in root.History) Assert.Equal(values, other.History[key]);   // global logs on every rank
        }
    }

    [Theory]
    [InlineData(2, "sgd")]
    [InlineData(3, "sgd")]
    [InlineData(2, "adam")]
    [InlineData(3, "adam")]
    [InlineData(2, "callbacks")]
    [InlineData(2, "multi")]
    [InlineData(3, "multi")]
    public void RanksMatchOneProcessOnTheSameGlobalBatches(int ranks, string run)
    {
        // Same seed, same shuffled order, same global batches (including a last batch of one sample in "sgd", where
        // every rank but 0 joins the step with an empty part): only the order of float additions differs.
        var single = _runs.Read(1, run, 0);
        var parallel = _runs.Read(ranks, run, 0);
        for (int i = 0; i < single.Weights.Count; i++)
        {
            var a = single.Weights[i].Values;
            var b = parallel.Weights[i].Values;
            for (int j = 0; j < a.Length; j++) Assert.True(Math.Abs(a[j] - b[j]) <= 1e-6, $"{run}: {single.Weights[i].Name}[{j}] {a[j]} vs {b[j]}");
        }
    }

    [Theory]
    [InlineData(2, "sgd")]
    [InlineData(3, "sgd")]
    [InlineData(2, "adam")]
    [InlineData(3, "adam")]
    [InlineData(2, "multi")]
    [InlineData(3, "multi")]
    public void LossAndMetricsEqualTheSingleProcessOnes(int ranks, string run)
    {
        var single = _runs.Read(1, run, 0);
        var parallel = _runs.Read(ranks, run, 0);
        Assert.Equal(single.History.Keys.Order(), parallel.History.Keys.Order());
        Assert.Contains("val_loss", parallel.History.Keys);
        if (run == "adam") Assert.Contains("val_auc", parallel.History.Keys);
        foreach (var (key, values) in single.History)
            for (int e = 0; e < values.Length; e++)
                Assert.True(Math.Abs(values[e] - parallel.History[key][e]) <= 1e-6, $"{run} {key} epoch {e}: {values[e]} vs {parallel.History[key][e]}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void AStopAskedOnOneRankStopsEveryRankAtTheSameBatch(int ranks)
    {
        // The last rank alone sets StopTraining at batch 2 of epoch 1 (in the single process that rank is rank 0).
        for (int rank = 0; rank < ranks; rank++) Assert.Equal(2, _runs.Read(ranks, "callbacks", rank).Epochs);
        Assert.Equal(2, _runs.Read(1, "callbacks", 0).Epochs);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void OnlyRankZeroWritesAndPrints(int ranks)
    {
        string dir = _runs.Dirs[ranks];
        Assert.True(File.Exists(Path.Combine(dir, "writes.r0", "checkpoint.deepen")));
        Assert.True(File.Exists(Path.Combine(dir, "writes.r0", "log.csv")));
        for (int rank = 1; rank < ranks; rank++) Assert.Empty(Directory.GetFiles(Path.Combine(dir, $"writes.r{rank}")));
        // "sgd" trains with verbose: 1: one progress line per epoch, from rank 0 only.
        var output = _runs.Outputs[ranks].Out;
        Assert.Equal(1, CountOf(output, "Epoch 1/3"));
        Assert.Equal(1, CountOf(output, "Epoch 3/3"));
    }

    [Fact]
    public void EachRankUsesItsShareOfTheCores()
    {
        int expected = Math.Max(1, Environment.ProcessorCount / 3);
        for (int rank = 0; rank < 3; rank++) Assert.Equal(expected, _runs.Read(3, "sgd", rank).Threads);
    }

    [Fact]
    public void ARankThatThrowsEndsTheJobWithItsMessage()
    {
        var result = MpiJob.Run(2, MpiJob.Probe, "throw");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error: rank 1 of 2: probe failure on rank 1 at batch 2", result.Out + result.Err);
    }

    static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
