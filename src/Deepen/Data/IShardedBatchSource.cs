
namespace Deepen.Data;

/// <summary>
/// A batch source that can produce one rank's part of every batch without producing the rest (image iterators decode
/// only their rank's files). Sources that do not implement it are sharded by slicing each whole batch.
/// </summary>
/// <example><code>
/// foreach (var part in iterator.GetBatches(epoch: 0, new Shard(index: 0, count: 2)))
///     using (part) Console.WriteLine(part?.Size ?? 0);
/// </code></example>
public interface IShardedBatchSource : IBatchSource
{
    /// <summary>
    /// This rank's part of each batch of epoch <paramref name="epoch"/>, in order: exactly one item per global batch,
    /// null where the part is empty. Every rank must shuffle alike (call <see cref="Shard.CheckOrder"/>).
    /// </summary>
    IEnumerable<Batch?> GetBatches(int epoch, Shard shard);
}
