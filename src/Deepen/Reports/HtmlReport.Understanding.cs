using System.Globalization;
using System.Text;
using Deepen.Imaging.Figures;

namespace Deepen.Reports;

internal static partial class HtmlReport
{
    /// <summary>The "Memorization vs understanding" section.</summary>
    static void Understanding(StringBuilder html, Report report, IReadOnlyDictionary<string, RenderedFigure> byName)
    {
        Open(html, "understanding", "Memorization vs understanding");
        html.Append("<p>A model that memorized its training images does well on them and badly on new ones; one that understood generalizes. ")
            .Append("These views show which of the two this model did.</p>\n");

        html.Append("<h3 id=\"generalization-gap\">Generalization gap</h3>\n");
        if (report.Gap is { } gap && byName.TryGetValue(Report.GapFileName, out var gapFigure))
        {
            Image(html, gapFigure, "Training and validation loss per epoch, and the generalization gap");
            html.Append("<p>");
            html.Append(gap.OverfittingEpoch is int e
                ? $"<b>Overfitting began after epoch {e}</b>: the validation loss was lowest there ({F(gap.ValidationLoss[e - 1], "0.0000")}) and rose to {F(gap.ValidationLoss[^1], "0.0000")} by epoch {gap.Epochs}, while the training loss went on falling — from there on the model memorized more than it learned. "
                : $"No sign of overfitting: the validation loss was lowest at epoch {gap.BestEpoch} of {gap.Epochs} (within {GeneralizationGap.RiseTolerance:P0} of the last). ");
            html.Append($"Gap at the last epoch (validation − training loss): {F(gap.LossGap[^1], "0.0000")}");
            if (gap.AccuracyGap is { } acc) html.Append($"; training − validation accuracy: {F(acc[^1] * 100, "0.0")} points");
            html.Append(".</p>\n<p class=\"note\">Overfitting began at the epoch with the lowest validation loss, when the validation loss of the last epoch is more than 1% above it.</p>\n");
        }
        else html.Append("<p class=\"note\">No validation loss was recorded (no validation data, or an evaluate-only report), so there is no gap to show.</p>\n");

        html.Append("<h3 id=\"top-loss-heatmaps\">Where the model looked on its top losses</h3>\n");
        if (byName.TryGetValue(Report.TopLossOverlaysFileName, out var overlays))
        {
            html.Append($"<p>{E(Report.MethodTitle(report.ExplanationMethod))} heatmaps{(report.ExplanationLayer is null ? "" : $" of layer <code>{E(report.ExplanationLayer)}</code>")} for the class the model predicted, over the top-loss images: ")
                .Append("red marks what drove the decision. A heatmap on the object suggests a hard or mislabelled image; one on the background or a border suggests a shortcut the model memorized. ")
                .Append("The deletion score is the area under the class probability as the most relevant pixels are removed first (lower = the heatmap found what mattered); random order is the reference.</p>\n");
            Image(html, overlays, "Top-loss images with heatmap overlays");
        }
        else html.Append($"<p class=\"note\">{E(report.ExplanationNote ?? "No heatmaps.")}</p>\n");

        html.Append("<h3 id=\"most-confused\">Most confused classes</h3>\n");
        var confused = report.MostConfused.Take(10).ToArray();
        if (confused.Length == 0) html.Append("<p class=\"note\">No class was mistaken for another.</p>\n");
        else
        {
            html.Append("<table>\n<tr><th>true class</th><th>predicted as</th><th class=\"num\">count</th></tr>\n");
            foreach (var (t, p, n) in confused) html.Append($"<tr><td>{E(t)}</td><td>{E(p)}</td><td class=\"num\">{n}</td></tr>\n");
            html.Append("</table>\n");
        }

        html.Append("<h3 id=\"confidently-wrong\">Confidently wrong (possible label noise)</h3>\n");
        if (report.ConfidentlyWrong.Count == 0)
            html.Append($"<p class=\"note\">No wrong prediction had a probability of {F(ThresholdOf(report) * 100, "0")}% or more.</p>\n");
        else
        {
            html.Append($"<p>Wrong predictions the model was at least {F(ThresholdOf(report) * 100, "0")}% sure of: check their labels first.</p>\n<table>\n<tr><th class=\"num\">sample</th>")
                .Append(report.SampleNames is null ? "" : "<th>name</th>").Append("<th>predicted</th><th>labelled</th><th class=\"num\">p(predicted)</th></tr>\n");
            foreach (var e in report.ConfidentlyWrong)
                html.Append($"<tr><td class=\"num\">{e.Index}</td>").Append(report.SampleNames is null ? "" : $"<td>{E(e.Name ?? "")}</td>")
                    .Append($"<td class=\"wrong\">{E(report.ClassNames[e.Predicted])}</td><td>{E(report.ClassNames[e.True])}</td><td class=\"num\">{F(e.Probability, "0.000")}</td></tr>\n");
            html.Append("</table>\n");
        }

        html.Append("<h3 id=\"leakage\">Leakage and duplicates</h3>\n");
        if (report.Leakage is { } leak)
        {
            html.Append("<table>\n<tr><th>finding</th><th class=\"num\">value</th></tr>\n")
                .Append($"<tr><td>evaluation images also in the training data (leaked)</td><td class=\"num\">{leak.LeakedCount} of {report.Count}</td></tr>\n")
                .Append($"<tr><td>accuracy on all evaluation images</td><td class=\"num\">{Pct(leak.Accuracy)}</td></tr>\n")
                .Append($"<tr><td>accuracy without the leaked images</td><td class=\"num\">{(leak.AccuracyWithoutLeaked is double c ? Pct(c) : "n/a")}</td></tr>\n")
                .Append($"<tr><td>accuracy on the leaked images only</td><td class=\"num\">{(leak.AccuracyOnLeaked is double l ? Pct(l) : "n/a")}</td></tr>\n")
                .Append($"<tr><td>inflation of the score by leakage</td><td class=\"num\">{(leak.Inflation >= 0 ? "+" : "")}{F(leak.Inflation * 100, "0.0")} points</td></tr>\n")
                .Append($"<tr><td>audit: leakage findings</td><td class=\"num\">{leak.LeakageFindings}</td></tr>\n")
                .Append($"<tr><td>audit: duplicates within a class</td><td class=\"num\">{leak.DuplicateFindings}</td></tr>\n")
                .Append($"<tr><td>audit: the same image under two classes</td><td class=\"num\">{leak.LabelConflictFindings}</td></tr>\n</table>\n");
            html.Append(leak.LeakedCount == 0
                ? "<p>No evaluation image is in the training data: the score measures generalization.</p>\n"
                : $"<p>{leak.LeakedCount} evaluation image(s) were seen in training; the model can recognise them instead of generalizing, so the honest score is the one without them.</p>\n");
        }
        else html.Append("<p class=\"note\">No data audit with sample paths was given, so leakage into the evaluation set was not checked.</p>\n");
        Close(html);
    }

    static double ThresholdOf(Report report) => report.ConfidentlyWrongThreshold;

    static string Pct(double value) => double.IsFinite(value) ? (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";
}
