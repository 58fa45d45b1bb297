using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data;

/// <summary>
/// Turns in-memory data — one tensor or one per input/output, .NET arrays, vectorized texts — into the
/// <see cref="IBatchSource"/>s the trainer reads, as Keras's data adapters do, and makes the validation split in one
/// place: <c>validationData</c> when given, else the last <c>validationSplit</c> fraction of the samples (taken
/// before shuffling, as Keras takes it).
/// </summary>
internal static class DataAdapter
{
    /// <summary>The training source and the validation source (or null) for in-memory tensors.</summary>
    public static (IBatchSource Train, IBatchSource? Validation) ForFit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight,
        int batchSize, bool shuffle, double validationSplit, (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData,
        IReadOnlyList<string>? ids = null, IReadOnlyList<string>? validationIds = null)
    {
        // The validation source is made first: each source draws its shuffling stream from the seeded generator in turn.
        if (validationData is var (vx, vy))
        {
            var validation = new TensorBatchSource(vx, vy, batchSize) { Ids = validationIds };
            return (new TensorBatchSource(x, y, batchSize, shuffle, sampleWeight) { Ids = ids }, validation);
        }
        if (validationSplit > 0)
        {
            long n = x[0].shape[0];
            long split = (long)(n * (1 - validationSplit));
            if (split <= 0 || split >= n)
                throw Check.Invalid(nameof(validationSplit), validationSplit, $"a fraction leaving samples on both sides for {n} samples");
            Tensor[] Head(IReadOnlyList<Tensor> t) => t.Select(a => a.narrow(0, 0, split)).ToArray();
            Tensor[] Tail(IReadOnlyList<Tensor> t) => t.Select(a => a.narrow(0, split, n - split)).ToArray();
            var held = new TensorBatchSource(Tail(x), Tail(y), batchSize) { Ids = ids?.Skip((int)split).ToArray() };
            return (new TensorBatchSource(Head(x), Head(y), batchSize, shuffle, sampleWeight?.narrow(0, 0, split)) { Ids = ids?.Take((int)split).ToArray() }, held);
        }
        return (new TensorBatchSource(x, y, batchSize, shuffle, sampleWeight) { Ids = ids }, null);
    }

    /// <summary>A source over in-memory tensors in order (for Evaluate and Predict).</summary>
    public static TensorBatchSource InOrder(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y, int batchSize, IReadOnlyList<string>? ids = null) =>
        new(x, y, Check.Positive(batchSize, nameof(batchSize))) { Ids = ids };

    /// <summary>A .NET array as a tensor (see <see cref="ArrayConverter"/>); null stays null.</summary>
    public static Tensor? FromArray(Array? data, string argument) => data is null ? null : ArrayConverter.ToTensor(data, argument);
}
