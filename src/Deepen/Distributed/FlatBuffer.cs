using static TorchSharp.torch;

namespace Deepen.Distributed;

/// <summary>
/// A CPU buffer that holds a fixed list of tensors end to end (plus a few extra slots), so that one collective call
/// moves all of them: gradients for the allreduce, metric states for the epoch-end sum.
/// </summary>
internal sealed class FlatBuffer : IDisposable
{
    readonly long[] _offsets, _counts;

    public FlatBuffer(IReadOnlyList<Tensor> layout, ScalarType dtype, int extra = 0)
    {
        _offsets = new long[layout.Count];
        _counts = new long[layout.Count];
        long total = 0;
        for (int i = 0; i < layout.Count; i++) { _offsets[i] = total; _counts[i] = layout[i].numel(); total += _counts[i]; }
        if (total + extra > int.MaxValue)
            throw new NotSupportedException($"A bucket of {total + extra} values exceeds MPI's count limit ({int.MaxValue}).");
        Extra = total;
        Flat = zeros(total + extra, dtype).DetachFromDisposeScope();
    }

    /// <summary>The buffer: the tensors' values in order, then the extra slots.</summary>
    public Tensor Flat { get; }
    /// <summary>The index of the first extra slot.</summary>
    public long Extra { get; }

    /// <summary>Copies <paramref name="sources"/> in (null counts as zeros).</summary>
    public void Gather(IReadOnlyList<Tensor?> sources)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < sources.Count; i++)
        {
            var slot = Flat.narrow(0, _offsets[i], _counts[i]);
            if (sources[i] is Tensor s) slot.copy_(s.reshape(-1));
            else slot.zero_();
        }
    }

    /// <summary>Copies the buffer's values back into <paramref name="targets"/>.</summary>
    public void Scatter(IReadOnlyList<Tensor> targets)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < targets.Count; i++) targets[i].copy_(Flat.narrow(0, _offsets[i], _counts[i]).view(targets[i].shape));
    }

    public void Dispose() => Flat.Dispose();
}
