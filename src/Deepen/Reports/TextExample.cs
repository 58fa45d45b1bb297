namespace Deepen.Reports;

/// <summary>One evaluation text as a <see cref="TextReport"/> shows it.</summary>
/// <param name="Index">Its 0-based position in the evaluation data.</param>
/// <param name="Name">Its display name (the file name when read from a folder), if any.</param>
/// <param name="Snippet">The start of the text, whitespace folded (see <see cref="TextReport.Snippet"/>).</param>
/// <param name="Predicted">The predicted class index.</param>
/// <param name="True">The true class index.</param>
/// <param name="Probability">The probability of the predicted class.</param>
/// <param name="TrueProbability">The probability of the true class.</param>
/// <param name="Loss">The cross-entropy of the true class.</param>
public sealed record TextExample(int Index, string? Name, string Snippet, int Predicted, int True, double Probability, double TrueProbability, double Loss)
{
    /// <summary>Whether the prediction is right.</summary>
    public bool Correct => Predicted == True;
}
