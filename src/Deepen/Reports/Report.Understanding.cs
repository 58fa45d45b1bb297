using Deepen.Reports.Figures;
using System.Globalization;
using Deepen.Data.Audit;
using Deepen.Explain;
using Deepen.Models;
using Deepen.Imaging.Figures;
using static TorchSharp.torch;

namespace Deepen.Reports;

// Memorization vs understanding: the generalization gap, where the model looked on its top losses, the most
// confused classes, confidently wrong examples and the audit's leakage with the score it inflates.
public sealed partial class Report
{
    /// <summary>The generalization-gap figure (written when the history has validation loss).</summary>
    public const string GapFileName = "generalization_gap.png";
    /// <summary>The top losses with heatmap overlays (written for convolutional models).</summary>
    public const string TopLossOverlaysFileName = "top_losses_gradcam.png";
    /// <summary>The most confidently wrong examples a report lists at most.</summary>
    public const int MaxConfidentlyWrong = 25;

    readonly Dictionary<int, float[]> _heatmaps = new();      // copies, so the report holds no native memory

    /// <summary>The generalization gap over the epochs and where overfitting began; null without validation history.</summary>
    public GeneralizationGap? Gap { get; private set; }
    /// <summary>Off-diagonal cells of the confusion matrix, most frequent first (fastai's <c>most_confused</c>).</summary>
    public IReadOnlyList<(string True, string Predicted, long Count)> MostConfused => Summary.MostConfused();
    /// <summary>
    /// Wrong predictions made with probability at least <see cref="ReportOptions.ConfidentlyWrongThreshold"/>, most
    /// confident first (at most <see cref="MaxConfidentlyWrong"/>): candidates for wrong labels in the data, or for
    /// what the model memorized instead of understood.
    /// </summary>
    public IReadOnlyList<ReportExample> ConfidentlyWrong { get; private set; } = Array.Empty<ReportExample>();
    /// <summary>The explainer used for the top-loss overlays ("gradcam++" by default), or null when none applied.</summary>
    public string? ExplanationMethod { get; private set; }
    /// <summary>The layer the top-loss heatmaps weigh, or null.</summary>
    public string? ExplanationLayer { get; private set; }
    /// <summary>Why there are no top-loss overlays (no convolution layer, turned off, …); null when there are.</summary>
    public string? ExplanationNote { get; private set; }
    /// <summary>Where the model looked on each top-loss image, in <see cref="TopLosses"/> order; empty when not explained.</summary>
    public IReadOnlyList<TopLossExplanation> TopLossExplanations { get; private set; } = Array.Empty<TopLossExplanation>();
    /// <summary>The data audit's leakage and its effect on the accuracy; null when no audit or leaked samples were given.</summary>
    public LeakageSummary? Leakage { get; private set; }
    /// <summary>The probability from which a wrong prediction is listed in <see cref="ConfidentlyWrong"/>.</summary>
    public double ConfidentlyWrongThreshold { get; private set; }
    /// <summary>The data audit given in <see cref="ReportOptions.Audit"/>, if any.</summary>
    public AuditReport? Audit { get; private set; }

    static void ValidateUnderstanding(ReportOptions options)
    {
        if (!(options.ConfidentlyWrongThreshold is >= 0 and <= 1))
            throw Utils.Check.Invalid("options.ConfidentlyWrongThreshold", options.ConfidentlyWrongThreshold, "a probability from 0 to 1");
        if (options.ExplanationMethod is { } m && !Explainer.Methods.Contains(m))
            throw Utils.Check.Invalid("options.ExplanationMethod", m, "one of " + string.Join(", ", Explainer.Methods.Select(x => $"\"{x}\"")) + ", or null for none");
        if (options.SamplePaths is { } paths && paths.Any(p => p is null))
            throw ReportCheck.Described("options.SamplePaths", "a list containing null", "one file path per evaluation sample");
    }

    void ComputeUnderstanding(Model model, ReportOptions options, int count, IReadOnlyList<string>? samplePaths)
    {
        Gap = GeneralizationGap.From(History);
        ConfidentlyWrongThreshold = options.ConfidentlyWrongThreshold;
        ConfidentlyWrong = Enumerable.Range(0, count).Where(i => _predictions[i] != _labels[i])
            .Select(Example).Where(e => e.Probability >= options.ConfidentlyWrongThreshold)
            .OrderByDescending(e => e.Probability).ThenBy(e => e.Index).Take(MaxConfidentlyWrong).ToArray();
        Audit = options.Audit;
        Leakage = ComputeLeakage(options, count, samplePaths);
        ExplainTopLosses(model, options);
    }

    LeakageSummary? ComputeLeakage(ReportOptions options, int count, IReadOnlyList<string>? samplePaths)
    {
        IEnumerable<int>? leaked = options.LeakedSamples;
        if (leaked is null && options.Audit is { } audit && samplePaths is { } paths)
        {
            var files = audit.OfKind(AnomalyKind.Leakage).SelectMany(e => new[] { e.Path, e.RelatedPath })
                .Where(p => p is not null).Select(p => Path.GetFullPath(p!)).ToHashSet(StringComparer.Ordinal);
            leaked = Enumerable.Range(0, Math.Min(count, paths.Count)).Where(i => files.Contains(Path.GetFullPath(paths[i])));
        }
        if (leaked is null) return null;
        var set = leaked.Distinct().Order().ToArray();
        var bad = set.Where(i => i < 0 || i >= count).ToArray();
        if (bad.Length > 0) throw Utils.Check.Invalid("options.LeakedSamples", bad, $"evaluation sample indices from 0 to {count - 1}");
        double Accuracy(IEnumerable<int> samples)
        {
            var list = samples.ToList();
            return list.Count == 0 ? double.NaN : (double)list.Count(i => _predictions[i] == _labels[i]) / list.Count;
        }
        var leakedSet = set.ToHashSet();
        double clean = Accuracy(Enumerable.Range(0, count).Where(i => !leakedSet.Contains(i)));
        double onLeaked = Accuracy(set);
        int Kind(AnomalyKind k) => options.Audit?.OfKind(k).Count ?? 0;
        return new LeakageSummary(set, Summary.Accuracy, double.IsNaN(clean) ? null : clean, double.IsNaN(onLeaked) ? null : onLeaked,
            Kind(AnomalyKind.Leakage), Kind(AnomalyKind.Duplicate), Kind(AnomalyKind.LabelConflict));
    }

    void ExplainTopLosses(Model model, ReportOptions options)
    {
        if (options.ExplanationMethod is null) { ExplanationNote = "Heatmaps of the top losses were turned off (ReportOptions.ExplanationMethod is null)."; return; }
        if (TopLosses.Count == 0) { ExplanationNote = "No top losses were requested, so none were explained."; return; }
        bool cam = options.ExplanationMethod is "gradcam" or "gradcam++" or "scorecam";
        if (cam && TargetLayers.LastConvolutionBlock(model) is null)
        {
            ExplanationNote = $"The model has no convolution layer, so Grad-CAM does not apply: there are no heatmap overlays of the top losses.";
            return;
        }
        Explainer explainer;
        try
        {
            explainer = Explainer.Create(options.ExplanationMethod, model, new ExplainOptions { FaithfulnessSteps = 10, RandomOrders = 1 });
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            ExplanationNote = $"The top losses could not be explained: {e.Message}";
            return;
        }
        ExplanationMethod = explainer.Method;
        ExplanationLayer = explainer.Layer?.Name;
        var list = new List<TopLossExplanation>();
        try
        {
            foreach (var e in TopLosses)
            {
                var image = _images[e.Index];
                using var x = tensor(image.Pixels, new long[] { image.Height, image.Width, image.Channels });
                using var explanation = explainer.Explain(x, e.Predicted);
                _heatmaps[e.Index] = explanation.Heatmap.data<float>().ToArray();
                var f = explanation.Faithfulness!;
                list.Add(new TopLossExplanation(e.Index, e.Predicted, explanation.Peak.X, explanation.Peak.Y, f.Deletion.Auc, f.RandomDeletion.Auc));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            // A model whose inputs differ from the evaluation images' layout (or that cannot expose a layer) gets no overlays.
            _heatmaps.Clear();
            ExplanationMethod = null;
            ExplanationLayer = null;
            ExplanationNote = $"The top losses could not be explained: {ex.Message}";
            return;
        }
        TopLossExplanations = list;
    }

    void AddUnderstandingFigures(List<RenderedFigure> figures)
    {
        if (Gap is not null) figures.Add(GapFigure.Render(GapFileName, Gap));
        if (TopLossExplanations.Count > 0)
        {
            var tiles = TopLosses.Zip(TopLossExplanations, (e, t) =>
            {
                var image = _images[e.Index];
                using var heat = tensor(_heatmaps[e.Index], new long[] { image.Height, image.Width });
                var overlay = Heatmaps.Overlay(image, heat, 0.45);
                var lines = new List<(string, SkiaSharp.SKColor, bool)>
                {
                    ($"pred: {_classNames[e.Predicted]} ({Percent(e.Probability)})", e.Correct ? FigureStyle.Right : FigureStyle.Wrong, true),
                    ($"true: {_classNames[e.True]} ({Percent(e.TrueProbability)})", FigureStyle.Text, false),
                    (string.Create(CultureInfo.InvariantCulture, $"deletion {t.Deletion:0.00} (random {t.RandomDeletion:0.00})"), FigureStyle.Muted, false),
                };
                return new GridTile(overlay, lines, e.Correct ? null : FigureStyle.Wrong);
            }).ToArray();
            figures.Add(ImageGridFigure.Render(TopLossOverlaysFileName,
                $"Top losses: where the model looked ({MethodTitle(ExplanationMethod)}, predicted class)", tiles, 3, (0f, 1f)));
        }
    }

    internal static string MethodTitle(string? method) => method switch
    {
        "gradcam" => "Grad-CAM",
        "gradcam++" => "Grad-CAM++",
        "scorecam" => "Score-CAM",
        "saliency" => "saliency",
        "smoothgrad" => "SmoothGrad",
        _ => method ?? "",
    };
}
