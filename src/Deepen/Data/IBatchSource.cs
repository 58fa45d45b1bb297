namespace Deepen.Data;

/// <summary>
/// Anything that yields batches for <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> — in-memory tensors, image
/// folders, files — like Keras's PyDataset. Each call to <see cref="GetBatches"/> yields one epoch.
/// </summary>
/// <example><code>
/// sealed class Ones : IBatchSource
/// {
///     public int BatchesPerEpoch => 10;
///     public IEnumerable&lt;Batch&gt; GetBatches(int epoch)
///     {
///         for (int i = 0; i &lt; 10; i++) yield return new Batch(torch.ones(32, 4), torch.ones(32, 1));
///     }
/// }
/// model.Fit(new Ones(), epochs: 2);
/// </code></example>
public interface IBatchSource
{
    /// <summary>The number of batches in one epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The batches of epoch <paramref name="epoch"/> (0-based), so sources can reshuffle repeatably.</summary>
    IEnumerable<Batch> GetBatches(int epoch);
}
