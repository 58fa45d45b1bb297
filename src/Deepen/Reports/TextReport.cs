using System.Text.Json;
using Deepen.Data.Text;
using Deepen.Models;
using Deepen.Reports.Figures;
using Deepen.Training;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Reports;

/// <summary>
/// The results report of a trained text classifier (a model that starts with a
/// <see cref="Layers.TextVectorization"/>): it predicts the evaluation texts once and keeps every prediction,
/// probability and per-sample loss; <see cref="Save"/> writes the training curves, the confusion matrix, per-class
/// precision/recall/F1 and the top losses shown as text snippets, in a self-contained <c>index.html</c> and
/// <c>report.json</c>. No images are needed.
/// </summary>
/// <example><code>
/// var history = model.Fit(train, epochs: 5, validationData: val);
/// var report = new TextReport(model, history, test, new ReportOptions { Title = "Spam vs ham" });
/// Console.WriteLine($"accuracy {report.Accuracy:P1}; report: {report.Save("out/report")}");
/// </code></example>
public sealed class TextReport
{
    /// <summary>How many characters of each top-loss text the report shows.</summary>
    public const int SnippetLength = 300;

    readonly int[] _labels, _predictions;
    readonly double[] _losses;
    readonly float[] _probabilities;
    readonly string[] _texts, _classNames;
    readonly string[]? _names;

    /// <summary>Predicts the texts of <paramref name="data"/> and computes the report's figures.</summary>
    /// <param name="model">A trained classifier starting with a TextVectorization (softmax over classes, or one sigmoid unit).</param>
    /// <param name="history">What <c>Fit</c> returned, for the curves; null for an evaluate-only report.</param>
    /// <param name="data">The labelled evaluation texts; its file paths (if any) name the samples unless
    /// <see cref="ReportOptions.SampleNames"/> are given.</param>
    /// <param name="options">Title, sample names, settings, timings and the number of top losses.</param>
    public TextReport(Model model, History? history, TextDataset data, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ReportOptions();
        if (data.Labels is null) throw Check.Invalid(nameof(data), "a dataset without labels", "labelled texts");
        if (data.Count == 0) throw Check.Invalid(nameof(data), "no texts", "at least one text");
        if (options.TopLossCount is < 0 or > 100) throw Check.Invalid("options.TopLossCount", options.TopLossCount, "an integer from 0 to 100");
        _classNames = data.ClassNames.ToArray();
        int k = _classNames.Length;
        using var predictions = model.GetPredictions(data, withLoss: false);      // one pass, one probability rule, ids
        int outputs = (int)predictions.Outputs[0].shape[^1];
        if (!(outputs == k || (outputs == 1 && k == 2)))
            throw Check.Invalid(nameof(data), $"{k} classes ({string.Join(", ", _classNames)})", $"as many classes as the model's {outputs} output(s) (2 for one sigmoid unit)");
        using var probs = predictions.ClassProbabilities();
        _probabilities = probs.data<float>().ToArray();
        _texts = data.Texts.ToArray();
        _labels = data.Labels.ToArray();
        _names = options.SampleNames?.ToArray() ?? (data.FilePaths is null ? null : predictions.Ids?.Select(p => Path.GetFileName(p)).ToArray());
        if (_names is not null && _names.Length != _texts.Length)
            throw Check.Invalid("options.SampleNames", $"{_names.Length} names", $"one name per text ({_texts.Length})");
        int n = _texts.Length;
        _predictions = new int[n];
        _losses = new double[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (_probabilities[i * k + c] > _probabilities[i * k + best]) best = c;
            _predictions[i] = best;
            double pTrue = Math.Clamp(_probabilities[i * k + _labels[i]], 1e-7, 1 - 1e-7);
            _losses[i] = -Math.Log(pTrue);
        }
        History = history;
        IsBinary = outputs == 1;
        Title = string.IsNullOrWhiteSpace(options.Title) ? "Deepen text report" : options.Title;
        Summary = new ClassificationSummary(_labels, _predictions, _classNames);
        Loss = _losses.Average();
        TopLosses = Enumerable.Range(0, n).OrderByDescending(i => _losses[i]).ThenBy(i => i).Take(options.TopLossCount).Select(Example).ToArray();
        Settings = options.Settings?.ToArray() ?? Array.Empty<KeyValuePair<string, string>>();
        Timings = options.Timings?.ToArray() ?? Array.Empty<KeyValuePair<string, string>>();
        DataLines = options.AuditLines?.ToArray() ?? Array.Empty<string>();
    }

    TextExample Example(int i)
    {
        int k = _classNames.Length;
        return new TextExample(i, _names?[i], Snippet(_texts[i]), _predictions[i], _labels[i],
            _probabilities[i * k + _predictions[i]], _probabilities[i * k + _labels[i]], _losses[i]);
    }

    /// <summary>The first <see cref="SnippetLength"/> characters of a text, whitespace runs folded to one space.</summary>
    public static string Snippet(string text)
    {
        var folded = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return folded.Length <= SnippetLength ? folded : folded[..SnippetLength].TrimEnd() + " …";
    }

    /// <summary>The page's heading.</summary>
    public string Title { get; }
    /// <summary>The training history, or null.</summary>
    public History? History { get; }
    /// <summary>The class names by index.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;
    /// <summary>Whether the model has one sigmoid output.</summary>
    public bool IsBinary { get; }
    /// <summary>The number of evaluation texts.</summary>
    public int Count => _labels.Length;
    /// <summary>The true class of each text.</summary>
    public IReadOnlyList<int> Labels => _labels;
    /// <summary>The predicted class of each text.</summary>
    public IReadOnlyList<int> Predictions => _predictions;
    /// <summary>The cross-entropy of each text's true class.</summary>
    public IReadOnlyList<double> Losses => _losses;
    /// <summary>The mean loss.</summary>
    public double Loss { get; }
    /// <summary>The confusion matrix and per-class figures.</summary>
    public ClassificationSummary Summary { get; }
    /// <summary>The share of texts predicted right.</summary>
    public double Accuracy => Summary.Accuracy;
    /// <summary>Precision, recall, F1 and support per class.</summary>
    public IReadOnlyList<ClassMetrics> PerClass => Summary.PerClass;
    /// <summary>The texts with the highest loss, highest first.</summary>
    public IReadOnlyList<TextExample> TopLosses { get; }
    /// <summary>Notes about the data (e.g. skipped files).</summary>
    public IReadOnlyList<string> DataLines { get; }
    /// <summary>The run's settings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; }
    /// <summary>The run's timings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Timings { get; }

    /// <summary>The class probabilities of text <paramref name="sample"/>.</summary>
    public IReadOnlyList<float> Probabilities(int sample)
    {
        if ((uint)sample >= (uint)Count) throw Check.Invalid(nameof(sample), sample, $"a sample index from 0 to {Count - 1}");
        return new ArraySegment<float>(_probabilities, sample * _classNames.Length, _classNames.Length);
    }

    /// <summary>
    /// Writes <c>index.html</c>, <c>report.json</c>, <c>confusion_matrix.png</c> and, with a history,
    /// <c>curves.png</c> into <paramref name="directory"/>; returns the full path of <c>index.html</c>.
    /// </summary>
    public string Save(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory)) throw Check.Invalid(nameof(directory), directory, "the path of a folder to write the report into");
        Directory.CreateDirectory(directory);
        var figures = new List<RenderedFigure>();
        if (History is not null && CurvesFigure.Render(Report.CurvesFileName, History) is { } curves) figures.Add(curves);
        figures.Add(ConfusionMatrixFigure.Render(Report.ConfusionMatrixFileName, Summary));
        foreach (var f in figures) Utils.AtomicFile.WriteAllBytes(Path.Combine(directory, f.FileName), f.Png);
        Utils.AtomicFile.WriteAllText(Path.Combine(directory, Report.JsonFileName), Json());
        string index = Path.Combine(directory, Report.IndexFileName);
        Utils.AtomicFile.WriteAllText(index, TextHtmlReport.Write(this, figures));
        return Path.GetFullPath(index);
    }

    string Json()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("title", Title);
            w.WriteString("kind", "text");
            w.WriteNumber("count", Count);
            w.WriteBoolean("binary", IsBinary);
            w.WriteStartArray("class_names");
            foreach (var c in _classNames) w.WriteStringValue(c);
            w.WriteEndArray();
            Number(w, "accuracy", Accuracy);
            Number(w, "loss", Loss);
            ReportJson.Classification(w, Summary);                 // confusion matrix, per-class and averages, as the image report
            w.WriteStartArray("top_losses");
            foreach (var e in TopLosses)
            {
                w.WriteStartObject();
                w.WriteNumber("index", e.Index);
                if (e.Name is not null) w.WriteString("name", e.Name);
                w.WriteString("predicted", _classNames[e.Predicted]);
                w.WriteString("true", _classNames[e.True]);
                Number(w, "probability", e.Probability);
                Number(w, "true_probability", e.TrueProbability);
                Number(w, "loss", e.Loss);
                w.WriteString("snippet", e.Snippet);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (History is not null)
            {
                w.WriteStartObject("history");
                foreach (var key in History.Keys)
                {
                    w.WriteStartArray(key);
                    foreach (var v in History[key]) if (double.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue();
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteStartObject("settings");
            foreach (var (key, value) in Settings) w.WriteString(key, value);
            w.WriteEndObject();
            w.WriteStartObject("timings");
            foreach (var (key, value) in Timings) w.WriteString(key, value);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, Math.Round(value, 6)); else w.WriteNull(name);
    }
}
