namespace Deepen.Explain;

/// <summary>
/// One deletion or insertion curve: the probability of the explained class after each step, against the fraction of
/// pixels removed (deletion) or inserted (insertion) so far, and the area under it (trapezoidal rule over [0, 1]).
/// </summary>
/// <param name="Fractions">The fraction of pixels changed at each step, from 0 to 1.</param>
/// <param name="Probabilities">The class probability at each step.</param>
/// <example><code>Console.WriteLine($"deletion AUC {e.Faithfulness!.Deletion.Auc:F3} vs random {e.Faithfulness.RandomDeletion.Auc:F3}");</code></example>
public sealed record FaithfulnessCurve(IReadOnlyList<double> Fractions, IReadOnlyList<double> Probabilities)
{
    /// <summary>The area under the curve (trapezoidal rule); between 0 and 1.</summary>
    public double Auc
    {
        get
        {
            double area = 0;
            for (int i = 1; i < Fractions.Count; i++)
                area += (Fractions[i] - Fractions[i - 1]) * (Probabilities[i] + Probabilities[i - 1]) / 2;
            return area;
        }
    }
}
