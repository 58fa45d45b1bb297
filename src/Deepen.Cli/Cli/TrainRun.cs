using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Deepen.Callbacks;
using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Reports;

namespace Deepen.Cli;

/// <summary>
/// One training run from class folders to the outputs in <c>--out</c>: <c>model.deepen</c>, <c>history.csv</c>,
/// <c>metrics.json</c>, <c>audit.json</c> and the report under <c>report/</c>.
/// </summary>
public static class TrainRun
{
    /// <summary>Runs the training and returns the path of the report's index.html.</summary>
    public static string Execute(TrainOptions o)
    {
        var optimizer = CheckArguments(o);
        CommonChecks.Directory(o.TrainDir, "--train");
        if (o.ValDir is not null) CommonChecks.Directory(o.ValDir, "--val");
        if (o.TestDir is not null) CommonChecks.Directory(o.TestDir, "--test");
        ModelPresets.CheckExists(o.Model);
        using var run = RunFolder.Open(o);                                // locked, stale outputs cleared (kept with --resume)
        if (o.ModelChoice is not null && o.Verbose > 0) Console.WriteLine(o.ModelChoice);
        var scratch = o.CompareScratch ? ScratchComparison.Run(o) : null;  // the scratch model first, at the data's own size
        bool pretrained = PretrainedModels.IsPretrained(o.Model);
        if (pretrained)
        {
            o = PretrainedModels.ForImageBase(o);
            if (o.Verbose > 0) Console.WriteLine($"Model: {o.Model}: {PretrainedModels.Describe(o.Model)}.");
        }
        Backend.SetRandomSeed(o.Seed);
        var clock = Stopwatch.StartNew();

        string auditPath = Path.Combine(o.OutDir, "audit.json");
        var reference = o.TestDir ?? o.ValDir;
        // Every image is converted to --color-mode, so under grayscale a colour image is data, not an anomaly.
        var audit = new AuditOptions { ReferenceDirectory = reference, ExpectedChannels = o.ColorMode == "grayscale" ? [1, 2, 3, 4] : null };
        var size = new Size2(o.ImageSize.Height, o.ImageSize.Width);
        IReadOnlyList<string>? classes = null;
        DirectoryIterator TrainFlow() => Flow(() => o.Augment.Generator(o.ValSplit).FlowFromDirectory(o.TrainDir, size, o.ColorMode, classes: classes,
            classMode: "sparse", batchSize: o.BatchSize, shuffle: true, seed: o.Seed, subset: o.ValSplit > 0 ? "training" : null, strict: o.Strict,
            auditReport: auditPath, audit: audit, verbose: o.Verbose > 0), "--train");
        var train = TrainFlow();
        if (DataWarnings.ClassesWithImages(train, o.TrainDir) is { } kept) { classes = kept; train = TrainFlow(); }
        if (train.NumClasses < 2)
            throw new CliException(ExitCodes.BadInput, $"--train \"{o.TrainDir}\" has {train.NumClasses} class folder(s); a classifier needs at least 2 (one subfolder per class).");
        ImageFileIterator? validation = o.ValDir is not null
            ? Flow(() => new ImageDataGenerator().FlowFromDirectory(o.ValDir, size, o.ColorMode, classes: train.ClassNames, classMode: "sparse",
                batchSize: o.BatchSize, shuffle: false, auditReport: null, audit: EvaluationData.ReadableOnly, verbose: o.Verbose > 0), "--val")
            : o.ValSplit > 0
                // The same audit as the training subset: both split the same kept files, so no image lands in both.
                ? Flow(() => new ImageDataGenerator(validationSplit: o.ValSplit).FlowFromDirectory(o.TrainDir, size, o.ColorMode, classes: train.ClassNames, classMode: "sparse",
                    batchSize: o.BatchSize, shuffle: false, subset: "validation", auditReport: null, audit: audit, verbose: o.Verbose > 0), "--train")
                : null;
        ImageFileIterator? test = o.TestDir is null ? null
            : Flow(() => new ImageDataGenerator().FlowFromDirectory(o.TestDir, size, o.ColorMode, classes: train.ClassNames, classMode: "sparse",
                batchSize: o.BatchSize, shuffle: false, auditReport: null, audit: EvaluationData.ReadableOnly, verbose: o.Verbose > 0), "--test");

        var shape = train.ImageShape;
        var parts = pretrained ? PretrainedModels.BuildImage(o.Model, train.NumClasses, o.Verbose > 0) : null;
        var model = parts?.Model ?? ModelPresets.Build(o.Model, (shape[0], shape[1], shape[2]), train.NumClasses);
        model.ClassNames = train.ClassNames.ToArray();
        bool binary = train.NumClasses == 2;
        string loss = binary ? "binary_crossentropy" : "sparse_categorical_crossentropy";
        model.Compile(optimizer, loss, ["accuracy"],
            dtypePolicy: o.MixedPrecision ? "mixed_bfloat16" : "float32");
        if (o.Verbose > 0) model.Summary();

        var fit = parts is not null && PretrainedModels.TrainsOnFeatures(o)
            ? GuardedFit.Run(o, run, validation is not null, callbacks => PretrainedModels.FitHead(parts, () => PretrainedModels.Features(train, parts.Features),
                validation is null ? null : () => PretrainedModels.Features(validation, parts.Features), loss, o, callbacks))
            : GuardedFit.Run(o, run, validation is not null, callbacks => model.Fit(train, epochs: o.Epochs, validationData: validation, callbacks: callbacks, verbose: o.Verbose));
        if (o.FineTune is not null) fit = PretrainedModels.FineTune(o, run, model, optimizer, loss, fit, train, validation);
        var (history, keptEpoch, nanGuard) = fit;
        double trainSeconds = clock.Elapsed.TotalSeconds;
        if (!Distributed.Communicator.World.IsRoot) return Path.Combine(o.OutDir, "report", "index.html"); // Distributed: rank 0 writes the outputs

        string modelPath = Path.Combine(o.OutDir, "model.deepen");
        model.Save(modelPath, includeOptimizer: !nanGuard.Diverged());
        RunOutputs.WriteHistory(Path.Combine(o.OutDir, "history.csv"), history);

        var evaluation = test ?? validation;
        var metrics = new JsonObject
        {
            ["train"] = RunOutputs.Numbers(history.Keys.Where(k => !k.StartsWith("val_")).Select(k => KeyValuePair.Create(k, history[k][keptEpoch.Index(history)]))),
            ["validation"] = validation is null ? null
                : RunOutputs.Numbers(history.Keys.Where(k => k.StartsWith("val_")).Select(k => KeyValuePair.Create(k[4..], history[k][keptEpoch.Index(history)]))),
            ["test"] = null,                  // the test set is predicted once: the report's pass scores it (ReportOptions.Evaluate)
            ["class_names"] = new JsonArray(train.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["epochs_run"] = history.Epochs.Count,
            ["epochs_requested"] = o.Epochs,
            ["train_samples"] = EvaluationData.ReadCount(train),
            ["validation_samples"] = validation is null ? null : EvaluationData.ReadCount(validation),
            ["test_samples"] = test is null ? null : EvaluationData.ReadCount(test),
            ["skipped_files"] = train.AuditReport.SkippedCount,
            ["seconds"] = Math.Round(trainSeconds, 2),
            ["model"] = o.Model,
            ["image_size"] = new JsonArray(o.ImageSize.Width, o.ImageSize.Height),
            ["color_mode"] = o.ColorMode,
        };
        if (pretrained) metrics["base"] = PretrainedModels.Describe(o.Model);
        if (o.FineTune is int fineTuned) metrics["fine_tune_blocks"] = fineTuned;

        string reportDir = Path.Combine(o.OutDir, "report");
        string index;
        var settings = new Dictionary<string, string>
        {
            ["train"] = o.TrainDir, ["validation"] = o.ValDir ?? (o.ValSplit > 0 ? FormattableString.Invariant($"{o.ValSplit * 100:0.#}% of train") : "none"),
            ["test"] = o.TestDir ?? "none", ["model"] = o.Model, ["image size"] = $"{o.ImageSize.Width}x{o.ImageSize.Height}",
            ["color mode"] = o.ColorMode, ["epochs"] = $"{history.Epochs.Count} of {o.Epochs}", ["batch size"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = optimizer.ToString(), ["augment"] = o.Augment.ToString(), ["early stopping"] = o.EarlyStopping?.ToString(CultureInfo.InvariantCulture) ?? "off",
            ["seed"] = o.Seed.ToString(CultureInfo.InvariantCulture), ["dtype policy"] = model.DTypePolicy.Name, ["parameters"] = model.CountParams().ToString("N0", CultureInfo.InvariantCulture),
        };
        if (pretrained) settings["base model"] = PretrainedModels.Describe(o.Model) + (o.FineTune is int n ? $"; then the last {n} residual block(s) fine-tuned at 1/100 of the learning rate" : "");
        if (scratch is not null) ScratchComparison.AddSettings(settings, scratch);
        if (evaluation is not null)
        {
            var reportClock = Stopwatch.StartNew();
            var report = new Report(model, history, evaluation, train.ClassNames, new ReportOptions
            {
                Title = $"Deepen — {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(o.TrainDir)))} ({(test is null ? "validation" : "test")} set)",
                Audit = train.AuditReport,
                AuditLines = new[] { train.AuditReport.Summary() },
                AuditFacts = AuditFacts(train.AuditReport),
                Settings = settings,
                Timings = new Dictionary<string, string> { ["training"] = $"{trainSeconds:F1} s", ["per epoch"] = $"{trainSeconds / Math.Max(1, history.Epochs.Count):F1} s" },
                Evaluate = test is not null,
            });
            if (report.Scores is { } scores)
            {
                metrics["test"] = RunOutputs.Numbers(scores);
                if (o.Verbose > 0) Console.WriteLine("Test: " + string.Join(" - ", scores.Select(kv => FormattableString.Invariant($"{kv.Key}: {kv.Value:0.0000}"))));
            }
            index = report.Save(reportDir);
            metrics["report_accuracy"] = Math.Round(report.Accuracy, 6);
            if (o.Verbose > 0) Console.WriteLine($"Report written in {reportClock.Elapsed.TotalSeconds:F1}s");
        }
        else
        {
            index = WriteMinimalReport(model, history, train, reportDir, settings);
        }
        metrics["seconds_total"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        if (scratch is not null) ScratchComparison.Record(metrics, scratch, o.Verbose);
        keptEpoch.Describe(metrics, history, o.Verbose);
        metrics["diverged"] = Divergence.Json(nanGuard);
        RunOutputs.WriteJson(Path.Combine(o.OutDir, "metrics.json"), metrics);
        Divergence.ThrowIfDiverged(nanGuard, o, modelPath);
        return index;
    }

    /// <summary>
    /// Checks the option values that need no files (so bad arguments fail fast with exit code 2, before any folder is
    /// read or written) and returns the optimizer they describe.
    /// </summary>
    public static Optimizer CheckArguments(TrainOptions o)
    {
        if (o.ValDir is not null && o.ValSplit > 0)
            throw new CliException(ExitCodes.Usage, "Give either --val DIR or --val-split F, not both.");
        if (!(o.ValSplit >= 0 && o.ValSplit < 1))
            throw new CliException(ExitCodes.Usage, $"Invalid value for --val-split: {o.ValSplit.ToString(CultureInfo.InvariantCulture)}. Expected a fraction in [0, 1), e.g. 0.2.");
        if (o.Epochs <= 0) throw new CliException(ExitCodes.Usage, $"Invalid value for --epochs: {o.Epochs}. Expected a positive integer.");
        if (o.BatchSize <= 0) throw new CliException(ExitCodes.Usage, $"Invalid value for --batch-size: {o.BatchSize}. Expected a positive integer.");
        if (o.EarlyStopping is < 0)
            throw new CliException(ExitCodes.Usage, $"Invalid value for --early-stopping: {o.EarlyStopping}. Expected a patience of 0 or more epochs, e.g. 3.");
        if (o.LearningRate is double lr && !(lr > 0 && double.IsFinite(lr)))
            throw new CliException(ExitCodes.Usage, $"Invalid value for --lr: {lr.ToString(CultureInfo.InvariantCulture)}. Expected a positive number, e.g. 0.001.");
        if (!o.Text) PretrainedModels.CheckArguments(o);                // text runs check theirs in TextTrainRun
        ModelPresets.CheckName(o.Model);
        CheckBatchFitsMemory(PretrainedModels.IsPretrained(o.Model) && !o.Text ? PretrainedModels.ForImageBase(o) : o);
        return CommonChecks.Optimizer(o.Optimizer, o.LearningRate);
    }

    /// <summary>
    /// One batch of input images as float32 may take at most a quarter of the machine's memory (what the GC reports,
    /// a container's limit included): <c>--image-size 4096</c> with 32 images per batch would need 8 GB before any layer.
    /// </summary>
    static void CheckBatchFitsMemory(TrainOptions o)
    {
        int channels = o.Text ? 0 : o.ColorMode switch { "grayscale" => 1, "rgba" => 4, _ => 3 };
        long bytes = (long)o.BatchSize * o.ImageSize.Height * o.ImageSize.Width * channels * sizeof(float);
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (memory > 0 && bytes > memory / 4)
            throw new CliException(ExitCodes.Usage, FormattableString.Invariant(
                $"--image-size {o.ImageSize.Width}x{o.ImageSize.Height} with --batch-size {o.BatchSize} needs {bytes / 1e9:F1} GB for one batch of input images alone, more than a quarter of this machine's {memory / 1e9:F1} GB. Use a smaller --image-size or --batch-size."));
    }

    /// <summary>Without validation or test data the report is built over the (un-augmented) training images.</summary>
    static string WriteMinimalReport(Model model, Training.History history, DirectoryIterator train, string reportDir, Dictionary<string, string> settings)
    {
        var plain = new ImageDataGenerator().FlowFromDirectory(train.Directory, train.TargetSize, train.ColorMode.ToString().ToLowerInvariant(),
            classes: train.ClassNames, classMode: "sparse", batchSize: train.BatchSize, shuffle: false, auditReport: null, verbose: false);
        var report = new Report(model, history, plain, train.ClassNames, new ReportOptions
        {
            Title = "Deepen — training set (no validation data given)",
            AuditLines = new[] { train.AuditReport.Summary() }, Settings = settings,
        });
        return report.Save(reportDir);
    }

    internal static IEnumerable<KeyValuePair<string, string>> AuditFacts(AuditReport audit) =>
        new[] { KeyValuePair.Create("files scanned", audit.FilesScanned.ToString(CultureInfo.InvariantCulture)),
                KeyValuePair.Create("files skipped", audit.SkippedCount.ToString(CultureInfo.InvariantCulture)) }
            .Concat(audit.Counts().Select(kv => KeyValuePair.Create(AuditReport.KindName(kv.Key), kv.Value.ToString(CultureInfo.InvariantCulture))));

    static T Flow<T>(Func<T> create, string option)
    {
        try { return create(); }
        catch (DataAuditException e) { throw new CliException(ExitCodes.BadInput, $"{option}: {e.Message}", e); }
        catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException or InvalidOperationException)
        { throw new CliException(ExitCodes.BadInput, $"{option}: {e.Message}", e); }
    }
}
