using static TorchSharp.torch;

namespace Deepen.Data;

/// <summary>
/// One batch: inputs in Keras layout (batch first, channels last), optional targets and per-sample weights.
/// The trainer disposes each batch after using it.
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>Creates a batch; tensors are owned by it from now on.</summary>
    public Batch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null)
    {
        X = x ?? throw new ArgumentNullException(nameof(x));
        Y = y;
        SampleWeight = sampleWeight;
        if (y is not null && y.shape[0] != x.shape[0])
            throw new ArgumentException($"Batch inputs and targets disagree on the batch size: x has {x.shape[0]} samples, y has {y.shape[0]}.", nameof(y));
    }

    public Tensor X { get; }
    public Tensor? Y { get; }
    public Tensor? SampleWeight { get; }
    /// <summary>The number of samples.</summary>
    public long Size => X.shape[0];

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        X.Dispose();
        Y?.Dispose();
        SampleWeight?.Dispose();
    }
}
