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
}
