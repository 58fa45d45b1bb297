using System.Globalization;
using System.Reflection;
using System.Text;
using Deepen.Imaging.Figures;
using static System.Net.WebUtility;

namespace Deepen.Reports;

/// <summary>
/// <c>index.html</c>: one self-contained page (figures embedded as base64 PNG data URIs, inline CSS, no scripts and
/// no external resources) with the summary, training curves, prediction grid, confusion matrix and per-class table,
/// top losses, data audit, settings and timings. A text report has no prediction grid and shows its top losses as
/// text snippets. All text is HTML-escaped.
/// </summary>
internal static partial class HtmlReport
{
    internal const string Css = """
        body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 16px; color: #222; background: #f4f5f7; margin: 0; }
        main { max-width: 1260px; margin: 0 auto; padding: 20px 24px 40px; }
        h1 { font-size: 28px; margin: 8px 0 4px; }
        h2 { font-size: 22px; margin: 0 0 12px; }
        h3 { font-size: 18px; margin: 20px 0 8px; }
        nav { font-size: 15px; margin-bottom: 8px; }
        nav a { color: #0b5cad; margin-right: 14px; text-decoration: none; }
        section { background: #fff; border: 1px solid #dcdfe4; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
        img { max-width: 100%; height: auto; display: block; margin: 8px 0; }
        table { border-collapse: collapse; margin: 8px 0; }
        th, td { padding: 5px 12px; border-bottom: 1px solid #e4e6ea; text-align: left; vertical-align: top; }
        th { background: #f0f2f5; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.avg td { font-style: italic; background: #fafbfc; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 12px; }
        .card { border: 1px solid #dcdfe4; border-radius: 6px; padding: 10px 16px; min-width: 150px; }
        .card .value { font-size: 26px; font-weight: bold; }
        .card .label { color: #555; font-size: 14px; }
        .note { color: #555; }
        .right { color: #1a7f37; font-weight: bold; }
        .wrong { color: #d01c1c; font-weight: bold; }
        footer { color: #666; font-size: 14px; margin-top: 24px; }
        td.snippet { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; max-width: 640px; white-space: pre-wrap; word-break: break-word; }
        """;

    static readonly (string Id, string Title)[] Sections =
    {
        ("summary", "Summary"), ("curves", "Training curves"), ("predictions", "Predictions"),
        ("confusion-matrix", "Confusion matrix"), ("top-losses", "Top losses"), ("understanding", "Memorization vs understanding"), ("audit", "Data audit"),
        ("settings", "Settings"), ("timings", "Timings"),
    };

    public static string Write(Report report, IReadOnlyList<RenderedFigure> figures)
    {
        var html = new StringBuilder();
        var byName = figures.ToDictionary(f => f.FileName);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(report.Title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(E(report.Title)).Append("</h1>\n<nav>");
        bool texts = report.Kind == ReportKind.Texts;
        foreach (var (id, title) in Sections.Where(s => !(texts && s.Id == "predictions")))
            html.Append($"<a href=\"#{id}\">{E(title)}</a>");
        html.Append("</nav>\n");

        Summary(html, report);
        Open(html, "curves", "Training curves");
        if (byName.TryGetValue(Report.CurvesFileName, out var curves))
            Image(html, curves, "Training curves: loss and each metric per epoch, training and validation");
        else
            html.Append("<p class=\"note\">No training history was given (an evaluate-only report), so there are no curves.</p>\n");
        Close(html);

        if (!texts) Predictions(html, report, byName[Report.PredictionsFileName]);
        ConfusionMatrix(html, report, byName[Report.ConfusionMatrixFileName]);
        if (texts) TextTopLosses(html, report);
        else TopLosses(html, report, byName.GetValueOrDefault(Report.TopLossesFileName));
        Understanding(html, report, byName);
        Rest(html, report, figures);
        return html.ToString();
    }

    static void Predictions(StringBuilder html, Report report, RenderedFigure grid)
    {
        Open(html, "predictions", "Predictions");
        html.Append($"<p>{report.Grid.Count} evaluation images spread evenly over the set, each titled with the predicted class and its probability and the true class. ")
            .Append($"<span class=\"wrong\">Wrong predictions</span> are in red with a red frame; <span class=\"right\">right ones</span> in green. ")
            .Append($"{report.Grid.Count(e => e.Correct)} of {report.Grid.Count} are right.</p>\n");
        Image(html, grid, "Grid of evaluation images with predicted and true labels");
        Close(html);
    }

    static void Rest(StringBuilder html, Report report, IReadOnlyList<RenderedFigure> figures)
    {

        Open(html, "audit", "Data audit");
        if (report.AuditLines.Count == 0 && report.AuditFacts.Count == 0)
            html.Append("<p class=\"note\">No data audit summary was given.</p>\n");
        Pairs(html, report.AuditFacts, "Finding", "Value");
        if (report.AuditLines.Count > 0)
        {
            html.Append("<ul>\n");
            foreach (var line in report.AuditLines) html.Append("<li>").Append(E(line)).Append("</li>\n");
            html.Append("</ul>\n");
        }
        Close(html);

        Open(html, "settings", "Settings");
        if (report.Settings.Count == 0) html.Append("<p class=\"note\">No settings were recorded.</p>\n");
        Pairs(html, report.Settings, "Setting", "Value");
        Close(html);
        Open(html, "timings", "Timings");
        if (report.Timings.Count == 0) html.Append("<p class=\"note\">No timings were recorded.</p>\n");
        Pairs(html, report.Timings, "Step", "Time");
        Close(html);

        html.Append("<footer>Written by Deepen ").Append(E(Version())).Append(". Files beside this page: ")
            .Append(E(string.Join(", ", figures.Select(f => f.FileName).Append(Report.JsonFileName)))).Append(".</footer>\n")
            .Append("</main>\n</body>\n</html>\n");
    }

    static void Summary(StringBuilder html, Report report)
    {
        int wrong = report.Labels.Where((t, i) => report.Predictions[i] != t).Count();
        Open(html, "summary", "Summary");
        html.Append("<div class=\"cards\">");
        Card(html, "accuracy", (report.Accuracy * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%");
        Card(html, "loss (cross-entropy)", F(report.Loss, "0.0000"));
        Card(html, report.Kind == ReportKind.Texts ? "evaluation texts" : "evaluation images", report.Count.ToString(CultureInfo.InvariantCulture));
        Card(html, "wrong", wrong.ToString(CultureInfo.InvariantCulture));
        Card(html, "classes", report.ClassNames.Count.ToString(CultureInfo.InvariantCulture));
        html.Append("</div>\n");
        html.Append($"<p>Classes: {E(string.Join(", ", report.ClassNames))}.</p>\n");
        if (report.History is { } history && history.Epochs.Count > 0)
        {
            html.Append($"<p>Trained for {history.Epochs.Count} epoch(s). Last epoch:</p>\n<table>\n<tr><th>quantity</th><th class=\"num\">training</th><th class=\"num\">validation</th></tr>\n");
            foreach (var q in CurvesFigure.Quantities(history))
            {
                string train = history.Contains(q) ? F(history[q][^1], "0.0000") : "";
                string val = history.Contains("val_" + q) ? F(history["val_" + q][^1], "0.0000") : "";
                html.Append($"<tr><td>{E(q)}</td><td class=\"num\">{train}</td><td class=\"num\">{val}</td></tr>\n");
            }
            html.Append("</table>\n");
        }
        Close(html);
    }

    static void ConfusionMatrix(StringBuilder html, Report report, RenderedFigure figure)
    {
        Open(html, "confusion-matrix", "Confusion matrix");
        Image(html, figure, "Confusion matrix heatmap: true classes down, predicted classes across, with counts");
        html.Append("<h3 id=\"per-class\">Per-class precision, recall and F1</h3>\n<table>\n")
            .Append("<tr><th>class</th><th class=\"num\">precision</th><th class=\"num\">recall</th><th class=\"num\">F1</th><th class=\"num\">support</th></tr>\n");
        foreach (var m in report.PerClass) MetricsRow(html, m, "");
        MetricsRow(html, report.Summary.MacroAverage, " class=\"avg\"");
        MetricsRow(html, report.Summary.WeightedAverage, " class=\"avg\"");
        html.Append("</table>\n");
        var confused = report.Summary.MostConfused().Take(5).ToArray();
        if (confused.Length > 0)
        {
            html.Append("<h3>Most confused</h3>\n<ul>\n");
            foreach (var (t, p, n) in confused) html.Append($"<li>{n} × true <b>{E(t)}</b> predicted as <b>{E(p)}</b></li>\n");
            html.Append("</ul>\n");
        }
        Close(html);
    }

    static void TopLosses(StringBuilder html, Report report, RenderedFigure? figure)
    {
        Open(html, "top-losses", "Top losses");
        if (figure is null || report.TopLosses.Count == 0)
        {
            html.Append("<p class=\"note\">Top losses were not requested.</p>\n");
            Close(html);
            return;
        }
        html.Append("<p>The evaluation images with the highest loss (cross-entropy of the true class): the ones the model got most confidently wrong, or right with the least confidence.</p>\n");
        Image(html, figure, "The evaluation images with the highest loss, with predicted and true labels");
        html.Append("<table>\n<tr><th class=\"num\">#</th><th class=\"num\">sample</th>")
            .Append(report.SampleNames is null ? "" : "<th>name</th>")
            .Append("<th>predicted</th><th>true</th><th class=\"num\">loss</th><th class=\"num\">p(predicted)</th><th class=\"num\">p(true)</th></tr>\n");
        int rank = 1;
        foreach (var e in report.TopLosses)
        {
            string cls = e.Correct ? "right" : "wrong";
            html.Append($"<tr><td class=\"num\">{rank++}</td><td class=\"num\">{e.Index}</td>")
                .Append(report.SampleNames is null ? "" : $"<td>{E(e.Name ?? "")}</td>")
                .Append($"<td class=\"{cls}\">{E(report.ClassNames[e.Predicted])}</td><td>{E(report.ClassNames[e.True])}</td>")
                .Append($"<td class=\"num\">{F(e.Loss, "0.000")}</td><td class=\"num\">{F(e.Probability, "0.000")}</td><td class=\"num\">{F(e.TrueProbability, "0.000")}</td></tr>\n");
        }
        html.Append("</table>\n");
        Close(html);
    }

    static void TextTopLosses(StringBuilder html, Report report)
    {
        Open(html, "top-losses", "Top losses");
        if (report.TopLosses.Count == 0)
        {
            html.Append("<p class=\"note\">Top losses were not requested.</p>\n");
            Close(html);
            return;
        }
        html.Append("<p>The evaluation texts with the highest loss (cross-entropy of the true class): the ones the model got most confidently wrong, or right with the least confidence. ")
            .Append($"Each shows its first {Report.SnippetLength} characters.</p>\n")
            .Append("<table>\n<tr><th class=\"num\">#</th><th>text</th><th>predicted</th><th>true</th><th class=\"num\">loss</th><th class=\"num\">p(predicted)</th><th class=\"num\">p(true)</th></tr>\n");
        int rank = 1;
        foreach (var e in report.TopLosses)
            html.Append($"<tr><td class=\"num\">{rank++}</td><td class=\"snippet\">")
                .Append(e.Name is null ? "" : $"<b>{E(e.Name)}</b>\n").Append(E(report.SnippetOf(e.Index))).Append("</td>")
                .Append($"<td class=\"{(e.Correct ? "right" : "wrong")}\">{E(report.ClassNames[e.Predicted])}</td><td>{E(report.ClassNames[e.True])}</td>")
                .Append($"<td class=\"num\">{F(e.Loss, "0.000")}</td><td class=\"num\">{F(e.Probability, "0.000")}</td><td class=\"num\">{F(e.TrueProbability, "0.000")}</td></tr>\n");
        html.Append("</table>\n");
        Close(html);
    }

    internal static void MetricsRow(StringBuilder html, ClassMetrics m, string attributes) =>
        html.Append($"<tr{attributes}><td>{E(m.Name)}</td><td class=\"num\">{F(m.Precision, "0.000")}</td><td class=\"num\">{F(m.Recall, "0.000")}</td>")
            .Append($"<td class=\"num\">{F(m.F1, "0.000")}</td><td class=\"num\">{m.Support}</td></tr>\n");

    internal static void Pairs(StringBuilder html, IReadOnlyList<KeyValuePair<string, string>> pairs, string keyTitle, string valueTitle)
    {
        if (pairs.Count == 0) return;
        html.Append($"<table>\n<tr><th>{keyTitle}</th><th>{valueTitle}</th></tr>\n");
        foreach (var (k, v) in pairs) html.Append($"<tr><td>{E(k)}</td><td>{E(v)}</td></tr>\n");
        html.Append("</table>\n");
    }

    internal static void Card(StringBuilder html, string label, string value) =>
        html.Append($"<div class=\"card\"><div class=\"value\">{E(value)}</div><div class=\"label\">{E(label)}</div></div>");

    internal static void Image(StringBuilder html, RenderedFigure figure, string alt) =>
        html.Append($"<img src=\"data:image/png;base64,{Convert.ToBase64String(figure.Png)}\" width=\"{figure.Width}\" height=\"{figure.Height}\" alt=\"{E(alt)}\">\n");

    internal static void Open(StringBuilder html, string id, string title) => html.Append($"<section id=\"{id}\">\n<h2>{E(title)}</h2>\n");
    internal static void Close(StringBuilder html) => html.Append("</section>\n");

    internal static string E(string? text) => HtmlEncode(text ?? "");

    internal static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    static string Version()
    {
        var assembly = typeof(Report).Assembly;
        string? v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return v is null ? assembly.GetName().Version?.ToString() ?? "" : v.Split('+')[0];
    }
}
