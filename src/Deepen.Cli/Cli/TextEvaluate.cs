using Deepen.Cli.Commands;
using Deepen.Data.Text;
using Deepen.Models;
using Deepen.Reports;

namespace Deepen.Cli;

/// <summary>
/// <c>deepen evaluate</c> with a text model (one that starts with a TextVectorization): reads class folders of .txt
/// files, prints loss, metrics, per-class precision/recall/F1 and the confusion matrix (or JSON), and writes the text
/// report.
/// </summary>
public static class TextEvaluate
{
    /// <summary>Evaluates <paramref name="model"/> on the text class folders of <paramref name="dataDir"/>.</summary>
    public static int Run(Model model, IReadOnlyList<string> classNames, string modelPath, string dataDir, bool json, int batchSize, string? reportDir)
    {
        // With --json, progress and warnings go to stderr so that stdout is only the JSON document.
        var (data, scores, report, index) = EvaluationData.WithOutputOnStderr(json, () =>
        {
            TextDataset d;
            try
            {
                d = TextDatasetUtils.TextDatasetFromDirectory(dataDir, "int", model.ClassNames is null ? null : classNames, batchSize,
                    shuffle: false, verbose: !json);
            }
            catch (ArgumentException e) { throw new CliException(ExitCodes.BadInput, $"--data: {e.Message}", e); }
            if (d.Count == 0) throw new CliException(ExitCodes.BadInput, $"--data \"{dataDir}\" holds no readable .txt files.");
            if (d.ClassNames.Count != classNames.Count)
                throw new CliException(ExitCodes.BadInput, $"--data has {d.ClassNames.Count} class folders but the model predicts {classNames.Count} classes.");
            var s = model.Evaluate(d, verbose: json ? 0 : 1);
            var r = new Report(model, null, d, new ReportOptions
            {
                Title = $"Deepen — evaluation of {Path.GetFileName(modelPath)} on {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir)))}",
                AuditLines = new[] { $"{d.Count} texts; {d.Skipped.Count} file(s) skipped." }
                    .Concat(d.Skipped.Take(10).Select(f => $"skipped {f.Path}: {f.Reason}")).ToArray(),
                Settings = new Dictionary<string, string> { ["model"] = modelPath, ["data"] = dataDir },
            });
            string? i = reportDir is null ? null : r.Save(reportDir);
            return (d, s, r, i);
        });
        return EvaluateCommand.Print(json, scores, report.PerClass, report.Summary.ConfusionMatrix, report.Count, data.Skipped.Count, classNames, index);
    }
}
