using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Deepen.Data.Images;
using Deepen.Models;
using Deepen.Reports;

namespace Deepen.Cli.Commands;

/// <summary>
/// <c>deepen evaluate</c>: loss, metrics, per-class precision/recall/F1 and the confusion matrix of a saved model on
/// class folders, as text or JSON, plus the report.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Builds the <c>deepen evaluate</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by deepen train or Model.Save.", Required = true };
        var data = new Option<string>("--data") { Description = "Folder of labelled images, one subfolder per class.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var batch = new Option<int>("--batch-size") { Description = "Images per batch.", DefaultValueFactory = _ => 32 };
        var report = new Option<string>("--report") { Description = "Folder for the report (index.html and PNGs).", DefaultValueFactory = _ => "evaluation-report" };
        var noReport = new Option<bool>("--no-report") { Description = "Do not write the report." };
        var command = new Command("evaluate", "Evaluate a saved model on class folders.") { model, data, json, batch, report, noReport };
        command.SetBody(p => Run(p.GetValue(model)!, p.GetValue(data)!, p.GetValue(json), p.GetValue(batch),
            p.GetValue(noReport) ? null : p.GetValue(report)));
        return command;
    }

    static int Run(string modelPath, string dataDir, bool json, int batchSize, string? reportDir)
    {
        if (batchSize <= 0) throw new CliException(ExitCodes.Usage, $"Invalid value for --batch-size: {batchSize}. Expected a positive integer.");
        CommonChecks.Directory(dataDir, "--data");
        if (reportDir is not null) CommonChecks.OutputFolder(reportDir, "--report");
        using var m = CommonChecks.LoadModel(modelPath);
        var classNames = CommonChecks.ClassNames(m);
        EnsureCompiled(m);
        if (m.TextVectorization is not null) return TextEvaluate.Run(m, classNames, modelPath, dataDir, json, batchSize, reportDir);
        // With --json, progress and the pipeline's warnings go to stderr so that stdout is only the JSON document.
        var (flow, scores, rep, index) = EvaluationData.WithOutputOnStderr(json, () => Evaluate(m, classNames, modelPath, dataDir, batchSize, reportDir, json));
        return Print(json, scores, rep.PerClass, rep.ConfusionMatrix, rep.Count, flow.AuditReport.SkippedCount, classNames, index);
    }

    /// <summary>Prints evaluate's results (as text or, with --json, as one JSON document); shared by image and text models.</summary>
    internal static int Print(bool json, IReadOnlyDictionary<string, double> scores, IReadOnlyList<ClassMetrics> perClassMetrics,
        long[,] confusion, int samples, int skipped, IReadOnlyList<string> classNames, string? index)
    {
        if (!double.IsFinite(scores["loss"]))
            throw new CliException(ExitCodes.BadInput, $"the model's loss on the data is {scores["loss"].ToString(CultureInfo.InvariantCulture)}: its outputs are not finite, so its scores cannot be trusted.");
        if (json)
        {
            var perClass = new JsonArray(perClassMetrics.Select(c => (JsonNode?)new JsonObject
            {
                ["class"] = c.Name, ["precision"] = Math.Round(c.Precision, 6), ["recall"] = Math.Round(c.Recall, 6),
                ["f1"] = Math.Round(c.F1, 6), ["support"] = c.Support,
            }).ToArray());
            var matrix = new JsonArray();
            for (int i = 0; i < classNames.Count; i++)
                matrix.Add(new JsonArray(Enumerable.Range(0, classNames.Count).Select(j => (JsonNode?)JsonValue.Create(confusion[i, j])).ToArray()));
            var result = new JsonObject
            {
                ["loss"] = Math.Round(scores["loss"], 6),
                ["metrics"] = RunOutputs.Numbers(scores.Where(kv => kv.Key != "loss")),
                ["samples"] = samples,
                ["skipped_files"] = skipped,
                ["class_names"] = new JsonArray(classNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
                ["per_class"] = perClass,
                ["confusion_matrix"] = matrix,
                ["report"] = index,
            };
            Console.WriteLine(result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Ok;
        }
        Console.WriteLine();
        foreach (var (k, v) in scores.OrderBy(kv => kv.Key, StringComparer.Ordinal)) Console.WriteLine($"{k}: {v.ToString("F4", CultureInfo.InvariantCulture)}");
        Console.WriteLine();
        int w = Math.Max(5, classNames.Max(n => n.Length));
        Console.WriteLine($"{"class".PadRight(w)}  precision  recall     f1  support");
        foreach (var c in perClassMetrics)
            Console.WriteLine($"{c.Name.PadRight(w)}  {c.Precision,9:F4}  {c.Recall,6:F4}  {c.F1,5:F4}  {c.Support,7}");
        Console.WriteLine();
        Console.WriteLine("Confusion matrix (rows: true class, columns: predicted class):");
        int cw = Math.Max(6, confusion.Cast<long>().Max().ToString(CultureInfo.InvariantCulture).Length + 1);
        Console.WriteLine("".PadRight(w) + string.Concat(Enumerable.Range(0, classNames.Count).Select(j => j.ToString(CultureInfo.InvariantCulture).PadLeft(cw))));
        for (int i = 0; i < classNames.Count; i++)
            Console.WriteLine(classNames[i].PadRight(w) + string.Concat(Enumerable.Range(0, classNames.Count).Select(j => confusion[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(cw))));
        if (index is not null) Console.WriteLine($"\nReport: {index}");
        return ExitCodes.Ok;
    }

    static (DirectoryIterator Flow, IReadOnlyDictionary<string, double> Scores, Report Report, string? Index) Evaluate(
        Model m, IReadOnlyList<string> classNames, string modelPath, string dataDir, int batchSize, string? reportDir, bool json)
    {
        var shape = m.InputShape!;
        DirectoryIterator flow;
        try
        {
            flow = new ImageDataGenerator().FlowFromDirectory(dataDir, new Size2(shape[0], shape[1]), CommonChecks.ColorMode(m),
                classes: m.ClassNames is null ? null : classNames, classMode: "sparse", batchSize: batchSize, shuffle: false,
                auditReport: null, audit: EvaluationData.ReadableOnly, verbose: !json);
        }
        catch (ArgumentException e) { throw new CliException(ExitCodes.BadInput, $"--data: {e.Message}", e); }
        if (flow.Samples == 0) throw new CliException(ExitCodes.BadInput, $"--data \"{dataDir}\" holds no readable images.");
        if (m.ClassNames is null && flow.NumClasses != classNames.Count)
            throw new CliException(ExitCodes.BadInput, $"--data has {flow.NumClasses} class folders but the model predicts {classNames.Count} classes.");
        var unknown = System.IO.Directory.EnumerateDirectories(dataDir).Select(Path.GetFileName)
            .Where(n => n is not null && !n.StartsWith('.') && !classNames.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        if (m.ClassNames is not null && unknown.Length > 0)
            Console.Error.WriteLine($"warning: --data has class folders the model does not predict; their images are not evaluated: {string.Join(", ", unknown)}.");

        // One pass over the images: predictions, the compiled loss and metrics, and the report, matched by the batches' ids.
        var rep = new Report(m, null, flow, classNames, new ReportOptions
        {
            Title = $"Deepen — evaluation of {Path.GetFileName(modelPath)} on {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir)))}",
            AuditLines = new[] { flow.AuditReport.Summary() },
            AuditFacts = ImageTrainingData.AuditFacts(flow.AuditReport),
            Settings = new Dictionary<string, string> { ["model"] = modelPath, ["data"] = dataDir },
            Evaluate = true,
        });
        var scores = rep.Scores!;
        string? index = reportDir is null ? null : rep.Save(reportDir);
        return (flow, scores, rep, index);
    }

    internal static void EnsureCompiled(Model m)
    {
        if (m.IsCompiled) return;
        bool binary = m.OutputShape![-1] == 1;
        m.Compile("adam", binary ? "binary_crossentropy" : "sparse_categorical_crossentropy", ["accuracy"]);
    }
}
