using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Data.Images;
using Deepen.Metrics;
using Deepen.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Deepen.Distributed;

/// <summary>
/// Data-parallel training across the ranks of <see cref="Communicator.World"/> (Horovod's and PyTorch DDP's
/// semantics), hooked into the trainer at a few marked call sites:
/// <list type="bullet">
/// <item>at the start of <c>Fit</c>, each rank's sources yield only its part of every global batch (same order on
/// every rank), and only rank 0 prints progress and runs the callbacks that write files;</item>
/// <item>on the first batch, every weight (and BatchNormalization's moving statistics) is copied from rank 0;</item>
/// <item>between backward and the optimizer step, the gradients are averaged over the global batch by one fused
/// in-place allreduce (one per 25 MiB bucket), so every rank's optimizer takes the same step and the weights stay
/// bitwise identical;</item>
/// <item>after each batch, ranks agree on <c>StopTraining</c>; at the end of each epoch and of validation, loss and
/// metric states are summed over the ranks, so logs, History and callbacks see the numbers of the whole data.</item>
/// </list>
/// BatchNormalization normalizes with each rank's own batch statistics and keeps its moving statistics per rank
/// (Horovod's default); rank 0's are the ones saved. A failure on one rank aborts every rank with its message.
/// </summary>
internal sealed class DataParallel : IDisposable
{
    /// <summary>Gradient bucket size: PyTorch DDP's default <c>bucket_cap_mb</c>.</summary>
    internal const long BucketBytes = 25L << 20;

    readonly Communicator _world;
    readonly Model _model;
    readonly Shard _shard;
    List<Parameter>? _parameters;
    List<(List<Parameter> Parameters, FlatBuffer Buffer)>? _buckets;
    bool _synchronized;

    DataParallel(Communicator world, Model model)
    {
        _world = world;
        _model = model;
        _shard = world.IsDistributed ? new Shard(world.Rank, world.Size, buffer => world.Broadcast(buffer)) : new Shard(world.Rank, world.Size);
    }

    /// <summary>Set to "lines" by <see cref="Launcher"/> when the job's output is redirected: verbose 1 prints one line per epoch.</summary>
    internal const string ProgressVariable = "DEEPEN_PROGRESS";

    /// <summary>The data-parallel run in progress in this process, if any.</summary>
    public static DataParallel? Current { get; private set; }

    /// <summary>
    /// Starts data-parallel training when the process runs under MPI with more than one rank (otherwise returns null
    /// and changes nothing): shards the sources, silences progress on ranks other than 0 and drops their file-writing
    /// callbacks (<see cref="ModelCheckpoint"/>, <see cref="CSVLogger"/>).
    /// </summary>
    public static DataParallel? Start(Model model, ref IBatchSource train, ref IBatchSource? validation,
        ref IEnumerable<Callback>? callbacks, ref int verbose)
    {
        if (!Communicator.IsLaunchedDistributed || !Communicator.World.IsDistributed) return null;
        var world = Communicator.World;
        CheckBatchSize(train, world.Size);
        if (validation is not null) CheckBatchSize(validation, world.Size);
        var run = new DataParallel(world, model);
        train = new ShardedSource(train, run._shard, run.EmptyStep);
        if (validation is not null) validation = new ShardedSource(validation, run._shard, onEmpty: null);
        if (verbose == 1 && Environment.GetEnvironmentVariable(ProgressVariable) == "lines") verbose = 2;
        if (!world.IsRoot)
        {
            verbose = 0;
            callbacks = callbacks?.Where(c => c is not (ModelCheckpoint or CSVLogger)).ToList();
        }
        Current = run;
        return run;
    }

    /// <summary>Makes ranks that were not seeded agree on a seed before data sources are created (a no-op outside MPI).</summary>
    public static void Prepare()
    {
        if (Communicator.IsLaunchedDistributed) _ = Communicator.World;
    }

    static void CheckBatchSize(IBatchSource source, int ranks)
    {
        int? batchSize = source switch { TensorBatchSource t => t.BatchSize, ImageFileIterator i => i.BatchSize, _ => null };
        if (batchSize < ranks)
            throw Utils.Check.Invalid("batchSize", batchSize, $"at least the number of ranks ({ranks}) in data-parallel training, so that every rank gets part of every batch");
    }

    /// <summary>Copies rank 0's weights (trainable or not) to every rank; called once the model is built, before the first step.</summary>
    public void BroadcastWeights()
    {
        using var _ = no_grad();
        foreach (var weight in _model.Weights) _world.Broadcast(weight.Value);
        _synchronized = true;
    }

    /// <summary>
    /// Replaces every rank's gradients with the gradient of the global batch: each rank's (of the mean loss over its
    /// <paramref name="samples"/>) weighted by its share of the samples, summed in place over the ranks.
    /// </summary>
    public void ReduceGradients(long samples)
    {
        using var scope = NewDisposeScope();
        var parameters = Parameters();
        var grads = parameters.Select(p => p.grad).ToList();
        if (grads.Any(g => g is null))
        {
            // Weights this rank's batch did not reach get zero gradients, so every rank's optimizer steps the same weights.
            stack(parameters.Where((_, i) => grads[i] is null).Select(p => p.sum()).ToArray()).sum().mul(0).backward();
            grads = parameters.Select(p => p.grad).ToList();
        }
        double total = 1;
        int next = 0;
        var buckets = Buckets();
        for (int b = 0; b < buckets.Count; b++)
        {
            var (bucket, buffer) = buckets[b];
            var mine = grads.GetRange(next, bucket.Count);
            next += bucket.Count;
            buffer.Gather(mine);
            buffer.Flat.mul_(samples);
            if (b == 0) buffer.Flat[buffer.Extra].fill_(samples);     // the first bucket also carries the sample count
            _world.AllreduceSum(buffer.Flat);
            if (b == 0) total = Math.Max(1, buffer.Flat[buffer.Extra].to(ScalarType.Float64).item<double>());
            buffer.Flat.div_(total);
            buffer.Scatter(mine!);
        }
    }

    /// <summary>A rank whose part of a batch is empty still joins the step: zero gradients, the allreduce, the optimizer step.</summary>
    bool EmptyStep()
    {
        if (!_synchronized)
            throw new InvalidOperationException(
                $"Rank {_world.Rank} of {_world.Size} received no samples of the first batch: the data has fewer samples than ranks.");
        using (NewDisposeScope())
        {
            var optimizer = _model.Optimizer!;
            optimizer.ZeroGrad();
            ReduceGradients(0);
            optimizer.Step();
        }
        return SyncStop();
    }

    /// <summary>Stops every rank when a callback stopped any of them; returns whether training stops.</summary>
    public bool SyncStop()
    {
        _model.StopTraining = _world.AllreduceMax(_model.StopTraining ? 1 : 0) == 1;
        return _model.StopTraining;
    }

    /// <summary>Sums the loss's and metrics' states over the ranks, so their results are those of the whole data.</summary>
    public void SumStates(Metrics.Mean loss, IEnumerable<Metric> metrics) => SumStates(new[] { loss }, metrics);

    /// <summary>Sums the states of several losses (the total and one per output) and metrics over the ranks.</summary>
    public void SumStates(IEnumerable<Metrics.Mean> losses, IEnumerable<Metric> metrics)
    {
        var states = losses.SelectMany(l => l.Variables).Concat(metrics.SelectMany(m => m.Variables)).ToList();
        using var buffer = new FlatBuffer(states, ScalarType.Float64);
        buffer.Gather(states);
        _world.AllreduceSum(buffer.Flat);
        buffer.Scatter(states);
    }

    /// <summary>
    /// Called from an exception filter around the training loop: prints the rank's error and ends every rank, since
    /// the others would wait for this one forever. Returns false (and does nothing) outside data-parallel training.
    /// </summary>
    public bool Fail(Exception error)
    {
        Console.Out.Flush();
        Console.Error.WriteLine($"error: rank {_world.Rank} of {_world.Size}: {error.Message}");
        _world.Abort(1);
        return false;
    }

    List<Parameter> Parameters()
    {
        var current = _model.TrainableWeights.Select(w => (Parameter)w.Value).ToList();
        if (_parameters is null || !_parameters.SequenceEqual(current, ReferenceEqualityComparer.Instance))
        {
            _parameters = current;
            DisposeBuckets();
        }
        return _parameters;
    }

    /// <summary>Consecutive parameters grouped into buckets of at most <see cref="BucketBytes"/> (one per dtype run).</summary>
    List<(List<Parameter> Parameters, FlatBuffer Buffer)> Buckets()
    {
        if (_buckets is not null) return _buckets;
        _buckets = new();
        var group = new List<Parameter>();
        long bytes = 0;
        void Close()
        {
            if (group.Count == 0) return;
            _buckets.Add((group, new FlatBuffer(group.Cast<Tensor>().ToList(), group[0].dtype, extra: _buckets.Count == 0 ? 1 : 0)));
            group = new List<Parameter>();
            bytes = 0;
        }
        foreach (var p in _parameters!)
        {
            if (p.dtype is not (ScalarType.Float32 or ScalarType.Float64))
                throw new NotSupportedException($"Data-parallel training averages float32 or float64 weights; a trainable weight is {p.dtype}.");
            long size = p.numel() * p.element_size();
            if (group.Count > 0 && (bytes + size > BucketBytes || group[0].dtype != p.dtype)) Close();
            group.Add(p);
            bytes += size;
        }
        Close();
        return _buckets;
    }

    void DisposeBuckets()
    {
        if (_buckets is null) return;
        foreach (var (_, buffer) in _buckets) buffer.Dispose();
        _buckets = null;
    }

    public void Dispose()
    {
        DisposeBuckets();
        if (Current == this) Current = null;
    }
}
