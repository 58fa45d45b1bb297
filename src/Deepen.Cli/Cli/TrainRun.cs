using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Deepen.Optimizers;

namespace Deepen.Cli;

/// <summary>
/// One training run, for images and texts alike, from class folders to the outputs in <c>--out</c>:
/// <c>model.deepen</c>, <c>history.csv</c>, <c>metrics.json</c>, <c>audit.json</c> and the report under
/// <c>report/</c>. What depends on the kind of data (reading it, the preset, the report's sample view) is a
/// <see cref="TrainingData"/>: <see cref="ImageTrainingData"/> or, with <c>--text</c>, <see cref="TextTrainingData"/>.
/// </summary>
public static class TrainRun
{
    /// <summary>Runs the training and returns the path of the report's index.html.</summary>
    public static string Execute(TrainOptions o)
    {
        var optimizer = o.Text ? TextTrainingData.CheckArguments(o) : CheckArguments(o);
        CommonChecks.Directory(o.TrainDir, "--train");
        if (o.ValDir is not null) CommonChecks.Directory(o.ValDir, "--val");
        if (o.TestDir is not null) CommonChecks.Directory(o.TestDir, "--test");
        if (!o.Text) ModelPresets.CheckExists(o.Model);
        using var run = RunFolder.Open(o);                                // locked, stale outputs cleared (kept with --resume)
        if (o.ModelChoice is not null && o.Verbose > 0) Console.WriteLine(o.ModelChoice);
        if (o.Verbose > 0) Console.WriteLine(Backend.DescribeThreads(imageDecoding: !o.Text));
        var scratch = o.CompareScratch ? ScratchComparison.Run(o) : null;  // the scratch model first, at the data's own size
        bool pretrained = PretrainedModels.IsPretrained(o.Model);
        if (pretrained)
        {
            if (!o.Text) o = PretrainedModels.ForImageBase(o);
            if (o.Verbose > 0) Console.WriteLine($"Model: {o.Model}: {PretrainedModels.Describe(o.Model)}.");
        }
        Backend.SetRandomSeed(o.Seed);
        var clock = Stopwatch.StartNew();

        TrainingData data = o.Text ? TextTrainingData.Read(o) : ImageTrainingData.Read(o);
        var model = data.BuildModel(o, optimizer);
        if (o.Verbose > 0) model.Summary();

        var fit = GuardedFit.Run(o, run, data.HasValidation, callbacks => data.Fit(model, o, callbacks));
        if (o.FineTune is not null && data is ImageTrainingData images) fit = images.FineTune(o, run, model, optimizer, fit);
        var (history, keptEpoch, nanGuard) = fit;
        double trainSeconds = clock.Elapsed.TotalSeconds;
        if (!Distributed.Communicator.World.IsRoot) return Path.Combine(o.OutDir, "report", "index.html"); // Distributed: rank 0 writes the outputs

        string modelPath = Path.Combine(o.OutDir, "model.deepen");
        model.Save(modelPath, includeOptimizer: !nanGuard.Diverged());
        RunOutputs.WriteHistory(Path.Combine(o.OutDir, "history.csv"), history);
        data.WriteAudit(o.OutDir);

        var counts = data.Counts;
        int kept = keptEpoch.Index(history);
        var metrics = new JsonObject
        {
            ["train"] = RunOutputs.Numbers(history.Keys.Where(k => !k.StartsWith("val_")).Select(k => KeyValuePair.Create(k, history[k][kept]))),
            ["validation"] = data.HasValidation
                ? RunOutputs.Numbers(history.Keys.Where(k => k.StartsWith("val_")).Select(k => KeyValuePair.Create(k[4..], history[k][kept])))
                : null,
            ["test"] = null,                  // the test set is predicted once: the report's pass scores it (ReportOptions.Evaluate)
            ["class_names"] = new JsonArray(data.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["epochs_run"] = history.Epochs.Count,
            ["epochs_requested"] = o.Epochs,
            ["train_samples"] = counts.Train,
            ["validation_samples"] = counts.Validation,
            ["test_samples"] = counts.Test,
            ["skipped_files"] = counts.Skipped,
            ["seconds"] = Math.Round(trainSeconds, 2),
            ["model"] = o.Model,
        };
        data.Describe(metrics, o);
        if (pretrained) metrics["base"] = PretrainedModels.Describe(o.Model);
        if (o.FineTune is int fineTuned) metrics["fine_tune_blocks"] = fineTuned;

        var settings = new Dictionary<string, string>
        {
            ["train"] = o.TrainDir, ["validation"] = o.ValDir ?? (o.ValSplit > 0 ? FormattableString.Invariant($"{o.ValSplit * 100:0.#}% of train") : "none"),
            ["test"] = o.TestDir ?? "none", ["model"] = o.Model,
        };
        foreach (var (key, value) in data.Settings(o, model)) settings[key] = value;
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["epochs"] = $"{history.Epochs.Count} of {o.Epochs}", ["batch size"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = optimizer.ToString(), ["early stopping"] = o.EarlyStopping?.ToString(CultureInfo.InvariantCulture) ?? "off",
            ["seed"] = o.Seed.ToString(CultureInfo.InvariantCulture), ["parameters"] = model.CountParams().ToString("N0", CultureInfo.InvariantCulture),
        }) settings[key] = value;
        if (pretrained) settings["base model"] = PretrainedModels.Describe(o.Model) + (o.FineTune is int n ? $"; then the last {n} residual block(s) fine-tuned at 1/100 of the learning rate" : "");
        if (scratch is not null) ScratchComparison.AddSettings(settings, scratch);
        var timings = new Dictionary<string, string>
        {
            ["training"] = $"{trainSeconds:F1} s", ["per epoch"] = $"{trainSeconds / Math.Max(1, history.Epochs.Count):F1} s",
        };

        var reportClock = Stopwatch.StartNew();
        var report = data.Report(model, history, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(o.TrainDir))),
            new RunFacts(settings, timings));
        string index = report.Save(Path.Combine(o.OutDir, "report"));
        if (o.Verbose > 0) Console.WriteLine($"Report written in {reportClock.Elapsed.TotalSeconds:F1}s");
        metrics["report_accuracy"] = Math.Round(report.Accuracy, 6);
        metrics["test_samples"] = data.Counts.Test;         // counted again: the report's pass is the one that decodes the test files
        if (data.Counts.Test is not null && report.Scores is { } testScores)
        {
            metrics["test"] = RunOutputs.Numbers(testScores);
            if (o.Verbose > 0) Console.WriteLine("Test: " + string.Join(" - ", testScores.Select(kv => FormattableString.Invariant($"{kv.Key}: {kv.Value:0.0000}"))));
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
        if (!o.Text) PretrainedModels.CheckArguments(o);                // text runs check theirs in TextTrainingData
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
}
