using static TorchSharp.torch;

namespace Deepen.Metrics;

/// <summary>A weighted running mean of scalar values (used to report the loss).</summary>
/// <example><code>var m = new Mean("loss"); m.Update(lossTensor, batchSize); m.Result();</code></example>
public sealed class Mean : IDisposable
{
    Tensor? _sum, _count;

    /// <summary>Names the mean (its key in the logs).</summary>
    public Mean(string name) => Name = name;
    /// <summary>The key in the logs, e.g. "loss".</summary>
    public string Name { get; }

    /// <summary>Adds a scalar tensor (e.g. a batch's mean loss) with weight <paramref name="count"/>, without synchronizing.</summary>
    public void Update(Tensor scalar, long count)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var v = scalar.detach().to(ScalarType.Float64) * count;
        if (_sum is null) _sum = v.clone().DetachFromDisposeScope();
        else _sum.add_(v);
        var n = tensor((double)count, device: v.device);
        if (_count is null) _count = n.DetachFromDisposeScope();
        else _count.add_(n);
    }

    /// <summary>The weighted sum and the total weight (as <see cref="Metric.Variables"/>), zeros before any update.</summary>
    public IReadOnlyList<Tensor> Variables => new[]
    {
        _sum ??= zeros(Array.Empty<long>(), ScalarType.Float64, Backend.Device).DetachFromDisposeScope(),
        _count ??= zeros(Array.Empty<long>(), ScalarType.Float64, Backend.Device).DetachFromDisposeScope(),
    };

    /// <summary>The mean so far (NaN before any update).</summary>
    public double Result()
    {
        double count = _count?.item<double>() ?? 0;
        return count == 0 ? double.NaN : _sum!.item<double>() / count;
    }

    /// <summary>Starts over.</summary>
    public void ResetState() { _sum?.Dispose(); _count?.Dispose(); _sum = _count = null; }
    /// <summary>Releases the state.</summary>
    public void Dispose() => ResetState();
}
