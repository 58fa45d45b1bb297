namespace Deepen.Reports;

/// <summary>
/// One evaluation sample as a report shows it: where it is in the data, what the model predicted, the true class,
/// the probabilities of both and its loss.
/// </summary>
/// <param name="Index">The sample's 0-based position in the evaluation data.</param>
/// <param name="Name">Its display name from <see cref="ReportOptions.SampleNames"/>, if given.</param>
/// <param name="Predicted">The predicted class index (the arg-max; for a one-unit sigmoid model, p &gt; 0.5).</param>
/// <param name="True">The true class index.</param>
/// <param name="Probability">The probability the model gave its predicted class.</param>
/// <param name="TrueProbability">The probability the model gave the true class.</param>
/// <param name="Loss">The sample's cross-entropy: −log of <paramref name="TrueProbability"/> (clipped to [1e-7, 1 − 1e-7]).</param>
/// <example><code>
/// foreach (var e in report.TopLosses)
///     Console.WriteLine($"#{e.Index} {e.Name}: predicted {report.ClassNames[e.Predicted]} ({e.Probability:P0}), loss {e.Loss:F2}");
/// </code></example>
public sealed record ReportExample(int Index, string? Name, int Predicted, int True, double Probability, double TrueProbability, double Loss)
{
    /// <summary>Whether the prediction is right.</summary>
    public bool Correct => Predicted == True;
}
