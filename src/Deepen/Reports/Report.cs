using Deepen.Reports.Figures;
using Deepen.Imaging;
using System.Globalization;
using Deepen.Data;
using Deepen.Data.Text;
using Deepen.Models;
using Deepen.Imaging.Figures;
using Deepen.Training;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Reports;

/// <summary>
/// The results report of a trained classifier, as fastai's <c>ClassificationInterpretation</c>: it predicts the
/// evaluation data once, keeps every prediction, probability and per-sample loss, and computes the confusion
/// matrix, per-class precision/recall/F1, accuracy and the highest-loss examples. <see cref="Save"/> writes the
/// figures (training curves, the seed's 5×5 prediction grid, the confusion matrix, the top losses), a
/// self-contained <c>index.html</c> and <c>report.json</c> with the same numbers.
/// </summary>
/// <remarks>
/// The data must yield images in Keras layout (batch, height, width, channels; 1, 3 or 4 channels) with labels:
/// class indices (batch) or (batch, 1), one-hot (batch, classes), or 0/1 for a one-unit sigmoid model. Batches
/// are read once, in order (sample i is the i-th image yielded). The model's outputs are used as probabilities
/// when it ends in softmax/sigmoid; otherwise they are treated as logits (softmax, or sigmoid for one unit) unless
/// they already are probabilities. The per-sample loss is the cross-entropy of the true class whatever loss the
/// model was compiled with. Only the images the figures show are kept, so large evaluation sets are fine.
/// </remarks>
/// <example><code>
/// var history = model.Fit(xTrain, yTrain, epochs: 10, validationSplit: 0.1);
/// var report = new Report(model, history, xTest, yTest, ["cat", "dog"]);
/// Console.WriteLine($"accuracy {report.Accuracy:P1}; cats called dogs: {report.ConfusionMatrix[0, 1]}");
/// string page = report.Save("out/report");     // out/report/index.html, the PNGs and report.json
/// </code></example>
public sealed partial class Report
{
    /// <summary>The HTML page <see cref="Save"/> writes.</summary>
    public const string IndexFileName = "index.html";
    /// <summary>The numbers <see cref="Save"/> writes, as JSON.</summary>
    public const string JsonFileName = "report.json";
    /// <summary>The training-curves figure (written only with a history).</summary>
    public const string CurvesFileName = "curves.png";
    /// <summary>The 5×5 prediction-grid figure.</summary>
    public const string PredictionsFileName = "predictions.png";
    /// <summary>The confusion-matrix figure.</summary>
    public const string ConfusionMatrixFileName = "confusion_matrix.png";
    /// <summary>The top-losses figure (written when <see cref="ReportOptions.TopLossCount"/> is above 0).</summary>
    public const string TopLossesFileName = "top_losses.png";
    /// <summary>How many evaluation images the prediction grid shows (the seed's 5×5), spread evenly over the data.</summary>
    public const int GridSize = EvaluationPass.GridCount;

    readonly int[] _labels, _predictions;
    readonly double[] _losses;
    readonly float[] _probabilities;
    readonly Dictionary<int, ReportImage> _images;
    readonly string[] _classNames;
    readonly string[]? _sampleNames;
    readonly string[]? _texts;

    /// <summary>How many characters of each text a text report shows (<see cref="Snippet(string)"/>).</summary>
    public const int SnippetLength = 300;

    /// <summary>Predicts <paramref name="data"/> with <paramref name="model"/> and computes the report's figures.</summary>
    /// <param name="model">A trained classifier (softmax over classes, or one sigmoid unit for two classes).</param>
    /// <param name="history">What <c>Fit</c> returned, for the training curves; null for an evaluate-only report.</param>
    /// <param name="data">The evaluation images and labels, in a fixed order (no shuffling).</param>
    /// <param name="classNames">One name per class index: as many as the model's outputs, or 2 for one sigmoid unit.</param>
    /// <param name="options">The title, sample names, audit summary, settings and timings.</param>
    /// <exception cref="ArgumentException">Class names that do not match the model, data that are empty, not images, or
    /// whose labels are not class indices; sample names whose count differs from the samples'.</exception>
    /// <example><code>
    /// var test = new TensorBatchSource(xTest, yTest, batchSize: 64);      // no shuffling: sample i is image i
    /// var report = new Report(model, history, test, ["cat", "dog"], new ReportOptions { SampleNames = files });
    /// </code></example>
    public Report(Model model, History? history, IBatchSource data, IReadOnlyList<string> classNames, ReportOptions? options = null)
        : this(model, history, Pass(model, data, classNames, options, images: true), data, classNames, options, texts: null)
    {
    }

    /// <summary>
    /// The report of a text classifier (a model that starts with a <see cref="Layers.TextVectorization"/> or another
    /// text input layer) on labelled texts: the same figures and numbers as for images, with the texts themselves in
    /// place of the image grid — the top losses show the first <see cref="SnippetLength"/> characters of each text.
    /// Samples are named by their file names when <paramref name="data"/> was read from folders.
    /// </summary>
    /// <example><code>
    /// var history = model.Fit(train, epochs: 5, validationData: val);
    /// var report = new Report(model, history, test, new ReportOptions { Title = "Spam vs ham" });
    /// Console.WriteLine($"accuracy {report.Accuracy:P1}; report: {report.Save("out/report")}");
    /// </code></example>
    public Report(Model model, History? history, TextDataset data, ReportOptions? options = null)
        : this(model, history, TextPass(model, data, options), null, data.ClassNames, options, data.Texts)
    {
    }

    Report(Model model, History? history, EvaluationPass pass, IBatchSource? data, IReadOnlyList<string> classNames,
        ReportOptions? options, IReadOnlyList<string>? texts)
    {
        options ??= new ReportOptions();
        if (options.SampleNames is { } names && names.Count != pass.Count)
            throw ReportCheck.Described("options.SampleNames", $"{names.Count} names",
                $"one name per evaluation sample ({pass.Count} samples), in the order the data yields them");
        // The batches' ids (the files delivered, even when some failed to decode) name the samples unless names are
        // given; ids that are only the samples' positions add nothing and are not shown.
        var ids = pass.Ids is { } all && all.Where((id, i) => id != i.ToString(CultureInfo.InvariantCulture)).Any() ? all : null;
        SampleIds = ids;
        Scores = pass.Scores;
        Kind = texts is null ? ReportKind.Images : ReportKind.Texts;
        _texts = texts?.ToArray();

        History = history;
        Title = string.IsNullOrWhiteSpace(options.Title) ? (texts is null ? "Deepen report" : "Deepen text report") : options.Title;
        _classNames = classNames.ToArray();
        _sampleNames = options.SampleNames?.ToArray()
            ?? (ids is null ? null : texts is null ? NamesOf(data!, ids) : ids.Select(id => Path.GetFileName(id)).ToArray());
        _labels = pass.Labels.ToArray();
        _predictions = pass.Predictions.ToArray();
        _losses = pass.Losses.ToArray();
        _probabilities = pass.Probabilities.ToArray();
        _images = pass.Images;
        IsBinary = pass.Binary;
        Summary = new ClassificationSummary(_labels, _predictions, _classNames);
        Loss = _losses.Average();
        Grid = pass.GridIndices.Select(Example).ToArray();
        TopLosses = pass.TopIndices.Select(Example).ToArray();
        AuditLines = options.AuditLines?.ToArray() ?? Array.Empty<string>();
        AuditFacts = options.AuditFacts?.ToArray() ?? Array.Empty<KeyValuePair<string, string>>();
        Settings = options.Settings?.ToArray() ?? Array.Empty<KeyValuePair<string, string>>();
        Timings = options.Timings?.ToArray() ?? Array.Empty<KeyValuePair<string, string>>();
        ComputeUnderstanding(model, options, pass.Count, options.SamplePaths ?? ids ?? options.SampleNames);
    }

    /// <summary>Checks the arguments, then runs the one pass over the evaluation data.</summary>
    static EvaluationPass Pass(Model model, IBatchSource data, IReadOnlyList<string> classNames, ReportOptions? options, bool images)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(classNames);
        options ??= new ReportOptions();
        if (classNames.Count == 0 || classNames.Any(string.IsNullOrWhiteSpace))
            throw Check.Invalid(nameof(classNames), classNames, "one non-empty name per class");
        if (options.TopLossCount is < 0 or > 100)
            throw Check.Invalid("options.TopLossCount", options.TopLossCount, "an integer from 0 to 100");
        if (options.SampleNames is { } given && given.Any(n => n is null))
            throw ReportCheck.Described("options.SampleNames", "a list containing null", "one name per evaluation sample");
        ValidateUnderstanding(options);
        return EvaluationPass.Run(model, data, classNames, options.TopLossCount, options.Evaluate, images);
    }

    /// <summary>Vectorizes the texts with the model's first layer and runs the pass over them, in order, with their file paths as ids.</summary>
    static EvaluationPass TextPass(Model model, TextDataset data, ReportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null) throw Check.Invalid(nameof(data), "a dataset without labels", "labelled texts");
        if (data.Count == 0) throw Check.Invalid(nameof(data), "no texts", "at least one text");
        using var x = model.VectorizeText(data.Texts.ToArray(), nameof(data));
        using var y = data.LabelTensor();
        return Pass(model, DataAdapter.InOrder(new[] { x }, new[] { y }, data.BatchSize, data.FilePaths), data.ClassNames, options, images: false);
    }

    /// <summary>Display names for sample ids: an image iterator's file names (relative to its folder), else the ids.</summary>
    static string[] NamesOf(IBatchSource data, IReadOnlyList<string> ids)
    {
        if (data is not Data.Images.ImageFileIterator files) return ids.ToArray();
        var byPath = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < files.Filepaths.Count; i++) byPath.TryAdd(files.Filepaths[i], files.Filenames[i]);
        return ids.Select(id => byPath.TryGetValue(id, out var name) ? name : id).ToArray();
    }

    /// <summary>
    /// The model's compiled loss and metrics on the evaluation data, computed in the report's own pass, as
    /// <c>Evaluate</c> returns them — when <see cref="ReportOptions.Evaluate"/> is set and the model is compiled.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Scores { get; }

    /// <summary>The id of each sample as its batch gave it (an image's file path), when the data gives informative ids.</summary>
    public IReadOnlyList<string>? SampleIds { get; }

    /// <summary>Predicts in-memory images <paramref name="x"/> [N, H, W, C] with labels <paramref name="y"/>.</summary>
    /// <example><code>var report = new Report(model, history, xTest, yTest, classNames, batchSize: 64);</code></example>
    public Report(Model model, History? history, Tensor x, Tensor y, IReadOnlyList<string> classNames, ReportOptions? options = null, int batchSize = 32)
        : this(model, history, Source(x, y, batchSize), classNames, options)
    {
    }

    static TensorBatchSource Source(Tensor x, Tensor y, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return new TensorBatchSource(x, y, Check.Positive(batchSize, nameof(batchSize)));
    }

    /// <summary>The page's heading.</summary>
    public string Title { get; }
    /// <summary>What the samples are: images (the report shows a prediction grid and image tiles) or texts (snippets).</summary>
    public ReportKind Kind { get; }
    /// <summary>The evaluation texts, in data order, for a text report; null for images.</summary>
    public IReadOnlyList<string>? Texts => _texts;

    /// <summary>The first <see cref="SnippetLength"/> characters of a text, whitespace runs folded to one space.</summary>
    /// <example><code>string start = Report.Snippet(File.ReadAllText("mail.txt"));</code></example>
    public static string Snippet(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return folded.Length <= SnippetLength ? folded : folded[..SnippetLength].TrimEnd() + " …";
    }

    /// <summary>The snippet of sample <paramref name="sample"/> of a text report (see <see cref="Snippet(string)"/>).</summary>
    public string SnippetOf(int sample)
    {
        if (_texts is null) throw new InvalidOperationException("This report's samples are images; only a text report has snippets.");
        if ((uint)sample >= (uint)Count) throw Check.Invalid(nameof(sample), sample, $"a sample index from 0 to {Count - 1}");
        return Snippet(_texts[sample]);
    }
    /// <summary>The training history the curves come from; null for an evaluate-only report.</summary>
    public History? History { get; }
    /// <summary>The class names, by class index.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;
    /// <summary>Whether the model has one sigmoid output (two classes, predicted 1 when p &gt; 0.5).</summary>
    public bool IsBinary { get; }
    /// <summary>The number of evaluation samples.</summary>
    public int Count => _labels.Length;
    /// <summary>The display name of each sample: <see cref="ReportOptions.SampleNames"/> when given, else from the batches' ids (file names).</summary>
    public IReadOnlyList<string>? SampleNames => _sampleNames;
    /// <summary>The true class index of each sample.</summary>
    public IReadOnlyList<int> Labels => _labels;
    /// <summary>The predicted class index of each sample.</summary>
    public IReadOnlyList<int> Predictions => _predictions;
    /// <summary>The cross-entropy of each sample's true class.</summary>
    public IReadOnlyList<double> Losses => _losses;
    /// <summary>The mean of <see cref="Losses"/>.</summary>
    public double Loss { get; }
    /// <summary>The confusion matrix and per-class figures.</summary>
    public ClassificationSummary Summary { get; }
    /// <summary>A copy of the confusion matrix, rows = true class, columns = predicted class.</summary>
    public long[,] ConfusionMatrix => Summary.ConfusionMatrix;
    /// <summary>Precision, recall, F1 and support per class.</summary>
    public IReadOnlyList<ClassMetrics> PerClass => Summary.PerClass;
    /// <summary>The share of samples predicted right.</summary>
    public double Accuracy => Summary.Accuracy;
    /// <summary>
    /// The <see cref="GridSize"/> samples the prediction grid shows (fewer if the data has fewer): every k-th sample,
    /// with k = samples / 25 rounded down, so the grid spans all classes even when the data come class by class.
    /// </summary>
    public IReadOnlyList<ReportExample> Grid { get; }
    /// <summary>The samples with the highest loss, highest first (ties: earlier sample first).</summary>
    public IReadOnlyList<ReportExample> TopLosses { get; }
    /// <summary>The data audit's summary sentences.</summary>
    public IReadOnlyList<string> AuditLines { get; }
    /// <summary>The data audit's named figures.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AuditFacts { get; }
    /// <summary>The run's settings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; }
    /// <summary>The run's timings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Timings { get; }

    /// <summary>The class probabilities of <paramref name="sample"/> (for one sigmoid unit: [1 − p, p]).</summary>
    /// <example><code>double pDog = report.Probabilities(0)[1];</code></example>
    public IReadOnlyList<float> Probabilities(int sample)
    {
        if ((uint)sample >= (uint)Count) throw Check.Invalid(nameof(sample), sample, $"a sample index from 0 to {Count - 1}");
        return new ArraySegment<float>(_probabilities, sample * _classNames.Length, _classNames.Length);
    }

    /// <summary>
    /// Writes the report into <paramref name="directory"/> (created if needed): <c>index.html</c>, <c>report.json</c>,
    /// <c>predictions.png</c>, <c>confusion_matrix.png</c>, <c>top_losses.png</c> and, with a history,
    /// <c>curves.png</c> (a text report has no image figures: its top losses are text snippets in the page and the
    /// JSON). Each file is written atomically; existing ones are replaced.
    /// </summary>
    /// <returns>The full path of <c>index.html</c>.</returns>
    /// <example><code>Console.WriteLine("Report: " + report.Save("runs/42/report"));</code></example>
    public string Save(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory)) throw Check.Invalid(nameof(directory), directory, "the path of a folder to write the report into");
        Directory.CreateDirectory(directory);
        var figures = RenderFigures();
        foreach (var figure in figures) Utils.AtomicFile.WriteAllBytes(Path.Combine(directory, figure.FileName), figure.Png);
        Utils.AtomicFile.WriteAllText(Path.Combine(directory, JsonFileName), ReportJson.Write(this, figures));
        string index = Path.Combine(directory, IndexFileName);
        Utils.AtomicFile.WriteAllText(index, HtmlReport.Write(this, figures));
        return Path.GetFullPath(index);
    }

    internal IReadOnlyList<RenderedFigure> RenderFigures()
    {
        var figures = new List<RenderedFigure>();
        if (History is not null && CurvesFigure.Render(CurvesFileName, History) is { } curves) figures.Add(curves);
        if (Kind == ReportKind.Texts)
        {
            figures.Add(ConfusionMatrixFigure.Render(ConfusionMatrixFileName, Summary));
            return figures;
        }
        var range = ReportImage.DisplayRange(_images.Values);
        figures.Add(ImageGridFigure.Render(PredictionsFileName,
            $"Predictions on {Grid.Count} evaluation images spread over the set (wrong ones in red)",
            Grid.Select(GridTileFor).ToArray(), 5, range));
        figures.Add(ConfusionMatrixFigure.Render(ConfusionMatrixFileName, Summary));
        if (TopLosses.Count > 0)
            figures.Add(ImageGridFigure.Render(TopLossesFileName,
                $"Top losses: the {TopLosses.Count} evaluation images with the highest loss",
                TopLosses.Select(TopLossTileFor).ToArray(), 3, range));
        AddUnderstandingFigures(figures);
        return figures;
    }

    GridTile GridTileFor(ReportExample e) => new(_images[e.Index], new[]
    {
        ($"pred: {_classNames[e.Predicted]} ({Percent(e.Probability)})", e.Correct ? FigureStyle.Right : FigureStyle.Wrong, true),
        ($"true: {_classNames[e.True]}", FigureStyle.Text, false),
    }, e.Correct ? null : FigureStyle.Wrong);

    GridTile TopLossTileFor(ReportExample e)
    {
        var lines = new List<(string, SkiaSharp.SKColor, bool)>
        {
            ($"pred: {_classNames[e.Predicted]} ({Percent(e.Probability)})", e.Correct ? FigureStyle.Right : FigureStyle.Wrong, true),
            ($"true: {_classNames[e.True]} ({Percent(e.TrueProbability)})", FigureStyle.Text, false),
            (string.Create(CultureInfo.InvariantCulture, $"loss {e.Loss:0.00}   #{e.Index}"), FigureStyle.Muted, false),
        };
        if (_sampleNames is not null) lines.Add((e.Name ?? "", FigureStyle.Muted, false));
        return new GridTile(_images[e.Index], lines, e.Correct ? null : FigureStyle.Wrong);
    }

    /// <summary>A probability as a whole percentage, e.g. "97%".</summary>
    internal static string Percent(double p) => (p * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    ReportExample Example(int i)
    {
        int k = _classNames.Length, predicted = _predictions[i], label = _labels[i];
        return new ReportExample(i, _sampleNames?[i], predicted, label, _probabilities[i * k + predicted], _probabilities[i * k + label], _losses[i]);
    }
}
