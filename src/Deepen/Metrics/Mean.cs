using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>A weighted running mean of scalar values (used to report the loss).</summary>
/// <example><code>var m = new Mean("loss"); m.Update(lossTensor, batchSize); m.Result();</code></example>
public sealed class Mean : IDisposable
{
    Tensor? _sum, _count;

    /// <summary>Creates an empty mean.</summary>
    /// <param name="name">The name it is reported under, such as <c>"loss"</c>.</param>
    public Mean(string name) => Name = name;
    /// <summary>The name the mean is reported under.</summary>
    public string Name { get; }

    /// <summary>Adds a scalar tensor (e.g. a batch's mean loss) with weight <paramref name="count"/>, without synchronizing.</summary>
    public void Update(Tensor scalar, long count)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var v = scalar.detach().to(ScalarType.Float64) * count;
        if (_sum is null) _sum = v.clone().DetachFromDisposeScope();
        else _sum.add_(v);
        _count ??= zeros(Array.Empty<long>(), ScalarType.Float64).DetachFromDisposeScope();
        _count.add_(count);
    }

    /// <summary>The weighted mean of the values added since the last reset (reading it synchronizes), or NaN when none were added.</summary>
    public double Result()
    {
        double count = _count?.item<double>() ?? 0;
        return count == 0 ? double.NaN : _sum!.item<double>() / count;
    }

    /// <summary>The state tensors, weighted sum and count (Keras's <c>variables</c>), created as zeros when empty.</summary>
    public IReadOnlyList<Tensor> Variables =>
        [_sum ??= zeros(Array.Empty<long>(), ScalarType.Float64).DetachFromDisposeScope(), _count ??= zeros(Array.Empty<long>(), ScalarType.Float64).DetachFromDisposeScope()];

    /// <summary>Forgets every value added, as Keras's <c>reset_state</c>.</summary>
    public void ResetState() { _sum?.Dispose(); _count?.Dispose(); _sum = _count = null; }
    /// <summary>Frees the state tensors (the same as <see cref="ResetState"/>).</summary>
    public void Dispose() => ResetState();
}
