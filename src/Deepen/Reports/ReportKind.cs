namespace Deepen.Reports;

/// <summary>What a <see cref="Report"/>'s samples are, which decides how it shows them.</summary>
/// <example><code>if (report.Kind == ReportKind.Texts) Console.WriteLine(report.SnippetOf(report.TopLosses[0].Index));</code></example>
public enum ReportKind
{
    /// <summary>Images: a prediction grid and image tiles for the top losses.</summary>
    Images,
    /// <summary>Texts: the top losses as text snippets.</summary>
    Texts,
}
