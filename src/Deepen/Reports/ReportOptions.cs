namespace Deepen.Reports;

/// <summary>
/// The optional parts of a <see cref="Report"/>: a title, per-sample display names, the data audit's summary, the
/// run's settings and timings, and how many top-loss examples to show. Everything here is copied when the report
/// is created, so later changes to the collections do not change it.
/// </summary>
/// <example><code>
/// var options = new ReportOptions
/// {
///     Title = "Cats vs dogs",
///     SampleNames = testFiles,                                   // one per evaluation image, in data order
///     AuditLines = ["2 files could not be decoded and were skipped."],
///     AuditFacts = new Dictionary&lt;string, string&gt; { ["images"] = "2000", ["duplicates"] = "3" },
///     Settings = new Dictionary&lt;string, string&gt; { ["epochs"] = "10", ["optimizer"] = "adam" },
///     Timings = new Dictionary&lt;string, string&gt; { ["training"] = "81.4 s" },
/// };
/// var report = new Report(model, history, testData, classNames, options);
/// </code></example>
public sealed class ReportOptions
{
    /// <summary>The heading of the HTML page. Default: "Deepen report".</summary>
    public string Title { get; init; } = "Deepen report";

    /// <summary>
    /// A display name per evaluation sample (for example its file name), in the order the data yields them; shown
    /// under the top-loss images and in <c>report.json</c>. Must hold exactly one name per sample when given.
    /// </summary>
    public IReadOnlyList<string>? SampleNames { get; init; }

    /// <summary>The data audit's summary as plain sentences, one per line.</summary>
    public IEnumerable<string>? AuditLines { get; init; }

    /// <summary>The data audit's summary as named figures (e.g. "corrupt files" → "2"), shown as a table.</summary>
    public IEnumerable<KeyValuePair<string, string>>? AuditFacts { get; init; }

    /// <summary>The run's settings (e.g. "epochs" → "10"), in the order given.</summary>
    public IEnumerable<KeyValuePair<string, string>>? Settings { get; init; }

    /// <summary>The run's timings (e.g. "training" → "81.4 s"), in the order given.</summary>
    public IEnumerable<KeyValuePair<string, string>>? Timings { get; init; }

    /// <summary>How many highest-loss examples to show (fastai's <c>plot_top_losses(9)</c>). Default 9; 0 to 100.</summary>
    public int TopLossCount { get; init; } = 9;

    /// <summary>
    /// The data audit of the run (e.g. <c>DataAudit.Run(trainDir, testDir)</c>, or a training iterator's
    /// <c>AuditReport</c> with <c>ReferenceDirectory</c> = the test folder). With <see cref="SamplePaths"/> (or
    /// <see cref="SampleNames"/> holding file paths), evaluation images named in its leakage findings — as the file or
    /// as its copy — count as leaked, and the report gives the accuracy with and without them.
    /// </summary>
    public Data.Audit.AuditReport? Audit { get; init; }

    /// <summary>The file of each evaluation sample, in data order, to match against <see cref="Audit"/>'s findings.</summary>
    public IReadOnlyList<string>? SamplePaths { get; init; }

    /// <summary>The evaluation sample indices known to be in the training data; overrides the matching of <see cref="Audit"/>.</summary>
    public IReadOnlyCollection<int>? LeakedSamples { get; init; }

    /// <summary>
    /// The explainer drawn over the top losses: "gradcam++" (default; the Grad-CAM variant that also works for models
    /// with dense heads), "gradcam", "scorecam", "saliency" or "smoothgrad"; null for none. The CAM methods apply only
    /// to models with a convolution layer; for others the report says so.
    /// </summary>
    public string? ExplanationMethod { get; init; } = "gradcam++";

    /// <summary>
    /// Also compute the model's compiled loss and metrics in the report's single pass over the data
    /// (<see cref="Report.Scores"/>), instead of a separate <c>Evaluate</c> pass. The labels must then suit the
    /// compiled loss. Default false.
    /// </summary>
    public bool Evaluate { get; init; }

    /// <summary>The probability from which a wrong prediction counts as confidently wrong. Default 0.9.</summary>
    public double ConfidentlyWrongThreshold { get; init; } = 0.9;
}
