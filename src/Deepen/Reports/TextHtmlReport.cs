using System.Globalization;
using System.Text;
using Deepen.Reports.Figures;
using static Deepen.Reports.HtmlReport;   // the shared HTML parts: Open, Close, Pairs, Card, Image, MetricsRow, E, F

namespace Deepen.Reports;

/// <summary>
/// The <c>index.html</c> of a <see cref="TextReport"/>: one self-contained page (figures as base64 PNGs, inline CSS,
/// no scripts) with the summary, training curves, confusion matrix and per-class table, the top losses as text
/// snippets, data notes, settings and timings. All text is HTML-escaped.
/// </summary>
internal static class TextHtmlReport
{
    // The image report's style, plus monospace text snippets.
    const string Css = HtmlReport.Css + "\n" + """
        td.snippet { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; max-width: 640px; white-space: pre-wrap; word-break: break-word; }
        """;

    public static string Write(TextReport report, IReadOnlyList<RenderedFigure> figures)
    {
        var byName = figures.ToDictionary(f => f.FileName);
        var html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(E(report.Title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(E(report.Title)).Append("</h1>\n<nav>");
        foreach (var (id, title) in new[] { ("summary", "Summary"), ("curves", "Training curves"), ("confusion-matrix", "Confusion matrix"),
                     ("top-losses", "Top losses"), ("data", "Data"), ("settings", "Settings") })
            html.Append($"<a href=\"#{id}\">{E(title)}</a>");
        html.Append("</nav>\n");

        Open(html, "summary", "Summary");
        html.Append("<div class=\"cards\">");
        Card(html, "accuracy", (report.Accuracy * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%");
        Card(html, "loss (cross-entropy)", F(report.Loss, "0.0000"));
        Card(html, "evaluation texts", report.Count.ToString(CultureInfo.InvariantCulture));
        Card(html, "wrong", report.Labels.Where((t, i) => report.Predictions[i] != t).Count().ToString(CultureInfo.InvariantCulture));
        Card(html, "macro F1", F(report.Summary.MacroAverage.F1, "0.000"));
        html.Append("</div>\n<p>Classes: ").Append(E(string.Join(", ", report.ClassNames))).Append(".</p>\n");
        Close(html);

        Open(html, "curves", "Training curves");
        if (byName.TryGetValue(Report.CurvesFileName, out var curves)) Image(html, curves, "Training curves: loss and each metric per epoch");
        else html.Append("<p class=\"note\">No training history was given, so there are no curves.</p>\n");
        Close(html);

        Open(html, "confusion-matrix", "Confusion matrix");
        Image(html, byName[Report.ConfusionMatrixFileName], "Confusion matrix: true classes down, predicted classes across");
        html.Append("<table>\n<tr><th>class</th><th class=\"num\">precision</th><th class=\"num\">recall</th><th class=\"num\">F1</th><th class=\"num\">support</th></tr>\n");
        foreach (var m in report.PerClass) MetricsRow(html, m, "");
        MetricsRow(html, report.Summary.MacroAverage, " class=\"avg\"");
        MetricsRow(html, report.Summary.WeightedAverage, " class=\"avg\"");
        html.Append("</table>\n");
        Close(html);

        Open(html, "top-losses", "Top losses");
        if (report.TopLosses.Count == 0) html.Append("<p class=\"note\">Top losses were not requested.</p>\n");
        else
        {
            html.Append("<p>The evaluation texts with the highest loss (cross-entropy of the true class): the ones the model got most confidently wrong, or right with the least confidence. ")
                .Append($"Each shows its first {TextReport.SnippetLength} characters.</p>\n")
                .Append("<table>\n<tr><th class=\"num\">#</th><th>text</th><th>predicted</th><th>true</th><th class=\"num\">loss</th><th class=\"num\">p(predicted)</th></tr>\n");
            int rank = 1;
            foreach (var e in report.TopLosses)
                html.Append($"<tr><td class=\"num\">{rank++}</td><td class=\"snippet\">")
                    .Append(e.Name is null ? "" : $"<b>{E(e.Name)}</b>\n").Append(E(e.Snippet)).Append("</td>")
                    .Append($"<td class=\"{(e.Correct ? "right" : "wrong")}\">{E(report.ClassNames[e.Predicted])}</td><td>{E(report.ClassNames[e.True])}</td>")
                    .Append($"<td class=\"num\">{F(e.Loss, "0.000")}</td><td class=\"num\">{F(e.Probability, "0.000")}</td></tr>\n");
            html.Append("</table>\n");
        }
        Close(html);

        Open(html, "data", "Data");
        if (report.DataLines.Count == 0) html.Append("<p class=\"note\">No notes about the data.</p>\n");
        else
        {
            html.Append("<ul>\n");
            foreach (var line in report.DataLines) html.Append("<li>").Append(E(line)).Append("</li>\n");
            html.Append("</ul>\n");
        }
        Close(html);

        Open(html, "settings", "Settings");
        Pairs(html, report.Settings, "Setting", "Value");
        Pairs(html, report.Timings, "Step", "Time");
        if (report.Settings.Count == 0 && report.Timings.Count == 0) html.Append("<p class=\"note\">No settings were recorded.</p>\n");
        Close(html);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }
}
