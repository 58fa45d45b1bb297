using static TorchSharp.torch;

namespace Deepen.Data;

/// <summary>
/// One batch: one input tensor per model input (Keras layout: batch first, channels last), optionally one target
/// tensor per model output, per-sample loss weights, and the ids of its samples (file paths, row numbers) so that
/// predictions can be matched to the samples they belong to. <see cref="X"/>, <see cref="Y"/> and
/// <see cref="SampleWeight"/> are the one-tensor shortcuts for models with one input and one output.
/// The trainer disposes each batch after using it.
/// </summary>
/// <example><code>
/// var single = new Batch(images, labels, ids: ["a.png", "b.png"]);
/// var multi = new Batch([images, features], [labels, scores]);       // a model with two inputs and two outputs
/// </code></example>
public sealed class Batch : IDisposable
{
    /// <summary>Creates a batch for a model with one input and one output; tensors are owned by it from now on.</summary>
    /// <param name="x">The inputs, batch first.</param>
    /// <param name="y">The targets, or null (prediction).</param>
    /// <param name="sampleWeight">Per-sample loss weights [batch], or null.</param>
    /// <param name="ids">One id per sample (e.g. its file path), or null.</param>
    public Batch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null, IReadOnlyList<string>? ids = null)
        : this(new[] { x ?? throw new ArgumentNullException(nameof(x)) }, y is null ? null : new[] { y },
               sampleWeight is null ? null : new[] { sampleWeight }, ids)
    {
    }

    /// <summary>Creates a batch with one tensor per model input and, optionally, one target tensor per output.</summary>
    /// <param name="xs">One input tensor per model input, all with the same batch size.</param>
    /// <param name="ys">One target tensor per model output, or null (prediction).</param>
    /// <param name="sampleWeights">Per-sample loss weights [batch]: one tensor for every output, or one per output; or null.</param>
    /// <param name="ids">One id per sample (e.g. its file path), or null.</param>
    public Batch(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor>? ys = null, IReadOnlyList<Tensor>? sampleWeights = null,
        IReadOnlyList<string>? ids = null)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Count == 0) throw Utils.Check.Invalid(nameof(xs), "no tensors", "one input tensor per model input");
        if (xs.Any(t => t is null)) throw new ArgumentNullException(nameof(xs), "An input tensor of the batch is null.");
        Xs = xs.ToArray();
        Ys = ys?.ToArray();
        SampleWeights = sampleWeights?.ToArray();
        long n = Size;
        foreach (var x in Xs)
            if (x.dim() == 0 || x.shape[0] != n)
                throw new ArgumentException($"Batch inputs disagree on the batch size: input 0 has {n} samples, another has {(x.dim() == 0 ? 0 : x.shape[0])}.", nameof(xs));
        foreach (var y in Ys ?? Array.Empty<Tensor>())
            if (y is null || y.dim() == 0 || y.shape[0] != n)
                throw new ArgumentException($"Batch inputs and targets disagree on the batch size: x has {n} samples, y has {(y is null || y.dim() == 0 ? 0 : y.shape[0])}.", nameof(ys));
        foreach (var w in SampleWeights ?? Array.Empty<Tensor>())
            if (w is null || w.dim() == 0 || w.shape[0] != n)
                throw new ArgumentException($"Batch sample weights have {(w is null || w.dim() == 0 ? 0 : w.shape[0])} entries but x has {n} samples.", nameof(sampleWeights));
        if (ids is not null && ids.Count != n)
            throw new ArgumentException($"Batch ids hold {ids.Count} entries but x has {n} samples; give one id per sample.", nameof(ids));
        Ids = ids;
    }

    /// <summary>The inputs, one tensor per model input.</summary>
    public IReadOnlyList<Tensor> Xs { get; }
    /// <summary>The targets, one tensor per model output; null when the batch has none.</summary>
    public IReadOnlyList<Tensor>? Ys { get; }
    /// <summary>Per-sample loss weights: one tensor for every output or one per output; null for none.</summary>
    public IReadOnlyList<Tensor>? SampleWeights { get; }
    /// <summary>One id per sample (a file path, a row number), or null when the source has none.</summary>
    public IReadOnlyList<string>? Ids { get; }

    /// <summary>The first (for most models the only) input.</summary>
    public Tensor X => Xs[0];
    /// <summary>The first (for most models the only) target tensor, or null.</summary>
    public Tensor? Y => Ys is { Count: > 0 } ys ? ys[0] : null;
    /// <summary>The first sample-weight tensor, or null.</summary>
    public Tensor? SampleWeight => SampleWeights is { Count: > 0 } w ? w[0] : null;
    /// <summary>The number of samples.</summary>
    public long Size => Xs[0].shape[0];

    /// <summary>The sample weights of output <paramref name="output"/>: its own tensor, the shared one, or null.</summary>
    internal Tensor? SampleWeightOf(int output) =>
        SampleWeights is null || SampleWeights.Count == 0 ? null : SampleWeights.Count == 1 ? SampleWeights[0] : SampleWeights[output];

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        foreach (var x in Xs) x.Dispose();
        foreach (var y in Ys ?? Array.Empty<Tensor>()) y.Dispose();
        foreach (var w in SampleWeights ?? Array.Empty<Tensor>()) w.Dispose();
    }
}
