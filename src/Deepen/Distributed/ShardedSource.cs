using static TorchSharp.torch;
using Deepen.Data;

namespace Deepen.Distributed;

/// <summary>
/// What the trainer iterates on each rank in data-parallel training: this rank's part of every global batch of the
/// wrapped source. Where the part is empty (a last batch with fewer samples than ranks), <c>onEmpty</c> runs
/// instead — in training, a step with zero gradients that still joins the gradient allreduce — and ends the epoch
/// when it returns true.
/// </summary>
internal sealed class ShardedSource : IBatchSource
{
    readonly IBatchSource _inner;
    readonly Shard _shard;
    readonly Func<bool>? _onEmpty;

    public ShardedSource(IBatchSource inner, Shard shard, Func<bool>? onEmpty)
    {
        _inner = inner;
        _shard = shard;
        _onEmpty = onEmpty;
    }

    public int BatchesPerEpoch => _inner.BatchesPerEpoch;

    public IEnumerable<Batch> GetBatches(int epoch)
    {
        var parts = _inner is IShardedBatchSource sharded ? sharded.GetBatches(epoch, _shard) : Slice(epoch);
        foreach (var part in parts)
        {
            if (part is not null) yield return part;
            else if (_onEmpty?.Invoke() == true) yield break;
        }
    }

    /// <summary>Any other source: every rank reads the whole batch and keeps its rows.</summary>
    IEnumerable<Batch?> Slice(int epoch)
    {
        foreach (var batch in _inner.GetBatches(epoch))
        {
            using (batch)
            {
                var (start, length) = _shard.Rows((int)batch.Size);
                Tensor[]? Part(IReadOnlyList<Tensor>? tensors) => tensors?.Select(t => t.narrow(0, start, length)).ToArray();
                yield return length == 0 ? null
                    : new Batch(Part(batch.Xs)!, Part(batch.Ys), Part(batch.SampleWeights), batch.Ids?.Skip(start).Take(length).ToArray());
            }
        }
    }
}
