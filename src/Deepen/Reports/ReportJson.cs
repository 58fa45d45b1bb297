using System.Text;
using System.Text.Json;
using Deepen.Imaging.Figures;

namespace Deepen.Reports;

/// <summary>
/// <c>report.json</c>: the report's numbers in snake_case JSON, so tools and tests can check what the figures
/// show. Non-finite numbers (a diverged history) are written as null.
/// </summary>
internal static partial class ReportJson
{
    public static string Write(Report report, IReadOnlyList<RenderedFigure> figures)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("title", report.Title);
            w.WriteString("kind", report.Kind == ReportKind.Texts ? "text" : "images");
            w.WriteNumber("count", report.Count);
            w.WriteBoolean("binary", report.IsBinary);
            w.WriteStartArray("class_names");
            foreach (var n in report.ClassNames) w.WriteStringValue(n);
            w.WriteEndArray();
            Number(w, "accuracy", report.Accuracy);
            Number(w, "loss", report.Loss);

            Classification(w, report.Summary);

            Examples(w, "grid", report.Grid, report);
            Examples(w, "top_losses", report.TopLosses, report);
            History(w, report);
            Understanding(w, report);

            w.WriteStartObject("audit");
            w.WriteStartArray("lines");
            foreach (var line in report.AuditLines) w.WriteStringValue(line);
            w.WriteEndArray();
            Pairs(w, "facts", report.AuditFacts);
            w.WriteEndObject();
            Pairs(w, "settings", report.Settings);
            Pairs(w, "timings", report.Timings);

            w.WriteStartObject("figures");
            foreach (var f in figures)
            {
                w.WriteStartObject(f.FileName);
                w.WriteNumber("width", f.Width);
                w.WriteNumber("height", f.Height);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>confusion_matrix, per_class, macro_avg and weighted_avg of a summary .</summary>
    internal static void Classification(Utf8JsonWriter w, ClassificationSummary summary)
    {
        var matrix = summary.ConfusionMatrix;
        w.WriteStartArray("confusion_matrix");
        for (int t = 0; t < matrix.GetLength(0); t++)
        {
            w.WriteStartArray();
            for (int p = 0; p < matrix.GetLength(1); p++) w.WriteNumberValue(matrix[t, p]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartArray("per_class");
        foreach (var m in summary.PerClass) Metrics(w, m);
        w.WriteEndArray();
        w.WritePropertyName("macro_avg");
        Metrics(w, summary.MacroAverage);
        w.WritePropertyName("weighted_avg");
        Metrics(w, summary.WeightedAverage);
    }

    static void Metrics(Utf8JsonWriter w, ClassMetrics m)
    {
        w.WriteStartObject();
        w.WriteString("name", m.Name);
        Number(w, "precision", m.Precision);
        Number(w, "recall", m.Recall);
        Number(w, "f1", m.F1);
        w.WriteNumber("support", m.Support);
        w.WriteEndObject();
    }

    static void Examples(Utf8JsonWriter w, string name, IReadOnlyList<ReportExample> examples, Report report)
    {
        w.WriteStartArray(name);
        foreach (var e in examples)
        {
            w.WriteStartObject();
            w.WriteNumber("index", e.Index);
            if (e.Name is null) w.WriteNull("name"); else w.WriteString("name", e.Name);
            w.WriteNumber("predicted", e.Predicted);
            w.WriteString("predicted_name", report.ClassNames[e.Predicted]);
            w.WriteNumber("true", e.True);
            w.WriteString("true_name", report.ClassNames[e.True]);
            Number(w, "probability", e.Probability);
            Number(w, "true_probability", e.TrueProbability);
            Number(w, "loss", e.Loss);
            w.WriteBoolean("correct", e.Correct);
            if (report.Kind == ReportKind.Texts) w.WriteString("snippet", report.SnippetOf(e.Index));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    static void History(Utf8JsonWriter w, Report report)
    {
        if (report.History is not { } history)
        {
            w.WriteNull("history");
            return;
        }
        w.WriteStartObject("history");
        w.WriteStartArray("epochs");
        foreach (int e in history.Epochs) w.WriteNumberValue(e + 1);
        w.WriteEndArray();
        foreach (var key in history.Keys)
        {
            w.WriteStartArray(key);
            foreach (double v in history[key])
                if (double.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    static void Pairs(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        // An array of {key, value} keeps the order and allows repeated keys.
        w.WriteStartArray(name);
        foreach (var (k, v) in pairs)
        {
            w.WriteStartObject();
            w.WriteString("key", k);
            w.WriteString("value", v);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    internal static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value); else w.WriteNull(name);
    }
}
