namespace Deepen.Explain;

/// <summary>
/// How faithful a heatmap is (Petsiuk et al., RISE, 2018): <see cref="Deletion"/> removes pixels most relevant first
/// and <see cref="RandomDeletion"/> in random order; a heatmap that found what the model uses makes the class
/// probability fall fast, so its deletion AUC is well below the random one. <see cref="Insertion"/> does the reverse
/// from a blank image (higher is better). All four curves take the same number of steps; removed pixels take
/// <see cref="ExplainOptions.Baseline"/> in every channel.
/// </summary>
/// <param name="Deletion">Pixels removed in decreasing relevance.</param>
/// <param name="RandomDeletion">Pixels removed in random order (the mean over <see cref="ExplainOptions.RandomOrders"/> orders).</param>
/// <param name="Insertion">Pixels inserted into a blank image in decreasing relevance.</param>
/// <param name="RandomInsertion">Pixels inserted in random order.</param>
/// <example><code>bool meaningful = e.Faithfulness!.DeletionAdvantage > 0.1;</code></example>
public sealed record FaithfulnessScores(FaithfulnessCurve Deletion, FaithfulnessCurve RandomDeletion, FaithfulnessCurve Insertion, FaithfulnessCurve RandomInsertion)
{
    /// <summary>Random deletion AUC minus deletion AUC: above 0 when the heatmap beats chance (larger is better).</summary>
    public double DeletionAdvantage => RandomDeletion.Auc - Deletion.Auc;
    /// <summary>Insertion AUC minus random insertion AUC: above 0 when the heatmap beats chance (larger is better).</summary>
    public double InsertionAdvantage => Insertion.Auc - RandomInsertion.Auc;
}
