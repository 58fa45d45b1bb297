namespace Deepen.Reports;

/// <summary>
/// Where the model looked on one top-loss image: the explained class (the predicted one, i.e. what the model saw
/// when it erred), the heatmap's peak in the image's pixels and the deletion scores of the heatmap.
/// </summary>
/// <param name="Index">The sample's position in the evaluation data.</param>
/// <param name="TargetClass">The class explained (the prediction).</param>
/// <param name="PeakX">The heatmap's peak column.</param>
/// <param name="PeakY">The heatmap's peak row.</param>
/// <param name="Deletion">The deletion AUC of the heatmap (lower = the heatmap found what the model used).</param>
/// <param name="RandomDeletion">The deletion AUC for random pixel order.</param>
/// <example><code>foreach (var t in report.TopLossExplanations) Console.WriteLine($"#{t.Index}: looked at ({t.PeakX}, {t.PeakY})");</code></example>
public sealed record TopLossExplanation(int Index, int TargetClass, int PeakX, int PeakY, double Deletion, double RandomDeletion);
