using Deepen.Data.Images;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data.Sources;

/// <summary>
/// Batches over in-memory images [N, height, width, channels] with per-sample augmentation, as Keras's
/// <c>NumpyArrayIterator</c>. Created by <see cref="ImageDataGenerator.Flow(Tensor, Tensor?, int, bool, Tensor?, int?, string?)"/>.
/// </summary>
/// <example><code>
/// var gen = new ImageDataGenerator(rotationRange: 10, zoomRange: 0.1);
/// model.Fit(gen.Flow(xTrain, yTrain, batchSize: 64, seed: 1), epochs: 5);
/// </code></example>
public sealed class ArrayIterator : IBatchSource
{
    readonly long _start;      // the subset's first row in the given tensor: ids are row numbers of the whole tensor

    internal ArrayIterator(Tensor x, Tensor? y, ImageDataGenerator generator, int batchSize, bool shuffle, Tensor? sampleWeight,
        int? seed, string? subset)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4)
            throw Check.Invalid(nameof(x), $"a tensor of shape ({string.Join(", ", x.shape)})", "images of rank 4: [samples, height, width, channels]");
        if (y is not null && y.shape[0] != x.shape[0])
            throw new ArgumentException($"`x` (images tensor) and `y` (labels) should have the same length. Found: x.shape = ({string.Join(", ", x.shape)}), y.shape = ({string.Join(", ", y.shape)})", nameof(y));
        if (sampleWeight is not null && sampleWeight.shape[0] != x.shape[0])
            throw new ArgumentException($"`sampleWeight` has {sampleWeight.shape[0]} entries but x has {x.shape[0]} samples.", nameof(sampleWeight));
        long n = x.shape[0];
        long start = 0, count = n;
        if (subset is not null)
        {
            long split = (long)(n * generator.ValidationSplit);
            (start, count) = subset == "validation" ? (0, split) : (split, n - split);
            if (count == 0)
                throw Check.Invalid("subset", subset, $"a subset with samples; validationSplit {generator.ValidationSplit} of {n} samples leaves none");
        }
        _start = start;
        X = x.narrow(0, start, count);
        Y = y?.narrow(0, start, count);
        SampleWeight = sampleWeight?.narrow(0, start, count);
        Generator = generator;
        BatchSize = Check.Positive(batchSize, nameof(batchSize));
        Shuffle = shuffle;
        Seed = seed ?? Seeds.NewDefault();
    }

    /// <summary>The images (a view of the subset).</summary>
    public Tensor X { get; }
    /// <summary>The targets, if any.</summary>
    public Tensor? Y { get; }
    /// <summary>Per-sample weights, if any.</summary>
    public Tensor? SampleWeight { get; }
    /// <summary>The augmentation applied.</summary>
    public ImageDataGenerator Generator { get; }
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }
    /// <summary>Whether each epoch is reshuffled.</summary>
    public bool Shuffle { get; }
    /// <summary>The seed of shuffling and augmentation.</summary>
    public int Seed { get; }
    /// <summary>The number of samples.</summary>
    public int Samples => (int)X.shape[0];
    /// <inheritdoc/>
    public int BatchesPerEpoch => (Samples + BatchSize - 1) / BatchSize;

    /// <summary>The sample indices in the order epoch <paramref name="epoch"/> delivers them.</summary>
    public IReadOnlyList<int> EpochOrder(int epoch)
    {
        var order = Enumerable.Range(0, Samples).ToArray();
        if (Shuffle) new Random(Seeds.Mix(Seed, epoch, 1)).Shuffle(order);
        return order;
    }

    /// <inheritdoc/>
    public IEnumerable<Batch> GetBatches(int epoch)
    {
        var augmentation = new Random(Seeds.Mix(Seed, epoch, 2));
        int h = (int)X.shape[1], w = (int)X.shape[2];
        foreach (var chunk in EpochOrder(epoch).Chunk(BatchSize))
        {
            var parameters = Generator.DrawTransforms(augmentation, chunk.Length, h, w);
            Batch batch;
            using (var scope = NewDisposeScope())
            {
                var index = tensor(chunk.Select(i => (long)i).ToArray(), device: X.device);
                var x = X.index_select(0, index);
                if (!x.is_floating_point()) x = x.to(ScalarType.Float32);
                x = Generator.TransformBatch(x, parameters);
                var y = Y?.index_select(0, index.to(Y.device));
                var sw = SampleWeight?.index_select(0, index.to(SampleWeight.device));
                batch = new Batch(x.MoveToOuterDisposeScope(), y?.MoveToOuterDisposeScope(), sw?.MoveToOuterDisposeScope(),
                    chunk.Select(i => (_start + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            }
            yield return batch;
        }
    }
}
