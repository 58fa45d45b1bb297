using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Deepen.Callbacks;
using Deepen.Data.Text;
using Deepen.Reports;

namespace Deepen.Cli;

/// <summary>
/// <c>deepen train --text</c>: class folders of .txt files to the same outputs as image training —
/// <c>model.deepen</c>, <c>history.csv</c>, <c>metrics.json</c>, <c>audit.json</c> (the files skipped) and a
/// text report under <c>report/</c> (curves, confusion matrix, per-class precision/recall/F1, top losses as text).
/// </summary>
public static class TextTrainRun
{
    /// <summary>Runs the training and returns the path of the report's index.html.</summary>
    public static string Execute(TrainOptions o)
    {
        var optimizer = TextModelPresets.WithClipping(o.Model, CheckArguments(o));
        CommonChecks.Directory(o.TrainDir, "--train");
        if (o.ValDir is not null) CommonChecks.Directory(o.ValDir, "--val");
        if (o.TestDir is not null) CommonChecks.Directory(o.TestDir, "--test");
        using var run = RunFolder.Open(o);                                // locked, stale outputs cleared (kept with --resume)
        var scratch = o.CompareScratch ? ScratchComparison.Run(o) : null;  // the scratch model first
        bool pretrained = PretrainedModels.IsPretrained(o.Model);
        if (pretrained && o.Verbose > 0) Console.WriteLine($"Model: {o.Model}: {PretrainedModels.Describe(o.Model)}.");
        Backend.SetRandomSeed(o.Seed);
        var clock = Stopwatch.StartNew();
        bool verbose = o.Verbose > 0;

        var train = Read(() => TextDatasetUtils.TextDatasetFromDirectory(o.TrainDir, "int", batchSize: o.BatchSize, seed: o.Seed,
            validationSplit: o.ValSplit > 0 ? o.ValSplit : null, subset: o.ValSplit > 0 ? "training" : null, verbose: verbose), "--train");
        if (train.ClassNames.Count < 2)
            throw new CliException(ExitCodes.BadInput, $"--train \"{o.TrainDir}\" has {train.ClassNames.Count} class folder(s); a classifier needs at least 2 (one subfolder per class).");
        TextDataset? validation = o.ValDir is not null
            ? Read(() => TextDatasetUtils.TextDatasetFromDirectory(o.ValDir, "int", train.ClassNames, o.BatchSize, shuffle: false, verbose: verbose), "--val")
            : o.ValSplit > 0
                ? Read(() => TextDatasetUtils.TextDatasetFromDirectory(o.TrainDir, "int", batchSize: o.BatchSize, seed: o.Seed,
                    validationSplit: o.ValSplit, subset: "validation", verbose: verbose), "--train")
                : null;
        TextDataset? test = o.TestDir is null ? null
            : Read(() => TextDatasetUtils.TextDatasetFromDirectory(o.TestDir, "int", train.ClassNames, o.BatchSize, shuffle: false, verbose: verbose), "--test");
        DataWarnings.CheckText(o, train, validation, test);
        int classes = train.ClassNames.Count;
        bool binary = classes == 2;
        if (binary)
        {
            train = AsBinary(train);
            validation = validation is null ? null : AsBinary(validation);
            test = test is null ? null : AsBinary(test);
        }

        Models.Sequential model;
        var parts = pretrained ? PretrainedModels.BuildText(o.Model, classes, verbose) : null;
        if (parts is not null) model = parts.Model;
        else
        {
            var vectorizer = TextModelPresets.Vectorizer(o.Model, o.MaxTokens, o.SequenceLength);
            vectorizer.Adapt(train.Texts);
            if (!vectorizer.HasVocabulary)
                throw new CliException(ExitCodes.BadInput, $"--train \"{o.TrainDir}\": the texts hold no tokens to build a vocabulary from.");
            model = TextModelPresets.Build(o.Model, vectorizer, classes);
        }
        var (vocabularySize, sequenceLength) = model.Layers[0] switch
        {
            Layers.TextVectorization v => (v.VocabularySize(), v.OutputSequenceLength),
            Applications.WordPieceTokenizer w => (w.Vocabulary.Count, (int?)w.OutputSequenceLength),
            _ => (0, null),
        };
        model.ClassNames = train.ClassNames.ToArray();
        model.Compile(optimizer, binary ? "binary_crossentropy" : "sparse_categorical_crossentropy", ["accuracy"]);
        if (verbose)
        {
            Console.WriteLine(pretrained ? $"Vocabulary: {vocabularySize} WordPiece tokens (the pretrained model's), {sequenceLength} per text."
                : $"Vocabulary: {vocabularySize} tokens (--max-tokens {o.MaxTokens}).");
            model.Summary();
        }

        string loss = binary ? "binary_crossentropy" : "sparse_categorical_crossentropy";
        var (history, keptEpoch, nanGuard) = parts is not null
            ? GuardedFit.Run(o, run, validation is not null, callbacks => PretrainedModels.FitHead(parts,
                () => PretrainedModels.Features(train, (Applications.WordPieceTokenizer)model.Layers[0], parts.Features, o.BatchSize),
                validation is null ? null : () => PretrainedModels.Features(validation, (Applications.WordPieceTokenizer)model.Layers[0], parts.Features, o.BatchSize),
                loss, o, callbacks))
            : GuardedFit.Run(o, run, validation is not null, callbacks => model.Fit(train, epochs: o.Epochs, validationData: validation, callbacks: callbacks, verbose: o.Verbose));
        if (!Distributed.Communicator.World.IsRoot) return Path.Combine(o.OutDir, "report", "index.html"); // Distributed: rank 0 writes the outputs
        double trainSeconds = clock.Elapsed.TotalSeconds;

        string modelPath = Path.Combine(o.OutDir, "model.deepen");
        model.Save(modelPath, includeOptimizer: !nanGuard.Diverged());
        RunOutputs.WriteHistory(Path.Combine(o.OutDir, "history.csv"), history);
        var skipped = train.Skipped.Concat(validation?.Skipped ?? []).Concat(test?.Skipped ?? []).DistinctBy(s => s.Path).ToList();
        RunOutputs.WriteJson(Path.Combine(o.OutDir, "audit.json"), new JsonObject
        {
            ["skipped_count"] = skipped.Count,
            ["skipped"] = new JsonArray(skipped.Select(s => (JsonNode?)new JsonObject { ["path"] = s.Path, ["reason"] = s.Reason }).ToArray()),
        });

        var metrics = new JsonObject
        {
            ["train"] = RunOutputs.Numbers(history.Keys.Where(k => !k.StartsWith("val_")).Select(k => KeyValuePair.Create(k, history[k][keptEpoch.Index(history)]))),
            ["validation"] = validation is null ? null
                : RunOutputs.Numbers(history.Keys.Where(k => k.StartsWith("val_")).Select(k => KeyValuePair.Create(k[4..], history[k][keptEpoch.Index(history)]))),
            ["test"] = null,                  // the test set is predicted once: its loss and accuracy come from the report's pass
            ["class_names"] = new JsonArray(train.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["epochs_run"] = history.Epochs.Count,
            ["epochs_requested"] = o.Epochs,
            ["train_samples"] = train.Count,
            ["validation_samples"] = validation?.Count,
            ["test_samples"] = test?.Count,
            ["skipped_files"] = skipped.Count,
            ["seconds"] = Math.Round(trainSeconds, 2),
            ["model"] = o.Model,
            ["kind"] = "text",
            ["vocabulary_size"] = vocabularySize,
            ["sequence_length"] = sequenceLength,
        };

        var evaluation = test ?? validation ?? train;
        string which = test is not null ? "test set" : validation is not null ? "validation set" : "training set; no validation data given";
        var settings = new Dictionary<string, string>
        {
            ["train"] = o.TrainDir, ["validation"] = o.ValDir ?? (o.ValSplit > 0 ? FormattableString.Invariant($"{o.ValSplit * 100:0.#}% of train") : "none"),
            ["test"] = o.TestDir ?? "none", ["model"] = o.Model, ["max tokens"] = o.MaxTokens.ToString(CultureInfo.InvariantCulture),
            ["sequence length"] = sequenceLength?.ToString(CultureInfo.InvariantCulture) ?? "(bag of words)",
            ["vocabulary"] = vocabularySize.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = $"{history.Epochs.Count} of {o.Epochs}", ["batch size"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = optimizer.ToString(), ["early stopping"] = o.EarlyStopping?.ToString(CultureInfo.InvariantCulture) ?? "off",
            ["seed"] = o.Seed.ToString(CultureInfo.InvariantCulture), ["parameters"] = model.CountParams().ToString("N0", CultureInfo.InvariantCulture),
        };
        if (pretrained) settings["base model"] = PretrainedModels.Describe(o.Model);
        if (scratch is not null) ScratchComparison.AddSettings(settings, scratch);
        var report = new TextReport(model, history, evaluation, new ReportOptions
        {
            Title = $"Deepen — {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(o.TrainDir)))} ({which})",
            AuditLines = new[] { $"{train.Count} training texts, {validation?.Count ?? 0} validation, {test?.Count ?? 0} test; {skipped.Count} file(s) skipped (see audit.json)." }
                .Concat(skipped.Take(10).Select(s => $"skipped {s.Path}: {s.Reason}")).ToArray(),
            Settings = settings,
            Timings = new Dictionary<string, string> { ["training"] = $"{trainSeconds:F1} s", ["per epoch"] = $"{trainSeconds / Math.Max(1, history.Epochs.Count):F1} s" },
        });
        string index = report.Save(Path.Combine(o.OutDir, "report"));
        metrics["report_accuracy"] = Math.Round(report.Accuracy, 6);
        if (test is not null)
        {
            metrics["test"] = new JsonObject { ["loss"] = Math.Round(report.Loss, 6), ["accuracy"] = Math.Round(report.Accuracy, 6) };
            if (verbose) Console.WriteLine(FormattableString.Invariant($"Test: loss: {report.Loss:0.0000} - accuracy: {report.Accuracy:0.0000}"));
        }
        if (pretrained) metrics["base"] = PretrainedModels.Describe(o.Model);
        metrics["seconds_total"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        if (scratch is not null) ScratchComparison.Record(metrics, scratch, o.Verbose);
        keptEpoch.Describe(metrics, history, o.Verbose);
        metrics["diverged"] = Divergence.Json(nanGuard);
        RunOutputs.WriteJson(Path.Combine(o.OutDir, "metrics.json"), metrics);
        Divergence.ThrowIfDiverged(nanGuard, o, modelPath);
        return index;
    }

    /// <summary>Checks the options that need no files (exit code 2) and returns the optimizer.</summary>
    public static Optimizers.Optimizer CheckArguments(TrainOptions o)
    {
        if (o.Augment != AugmentSpec.None) throw new CliException(ExitCodes.Usage, "--augment applies to images; it cannot be used with --text.");
        if (o.MaxTokens < 3) throw new CliException(ExitCodes.Usage, $"Invalid value for --max-tokens: {o.MaxTokens}. Expected an integer of at least 3 (the vocabulary includes padding and [UNK]), e.g. 20000.");
        if (o.SequenceLength <= 0) throw new CliException(ExitCodes.Usage, $"Invalid value for --sequence-length: {o.SequenceLength}. Expected a positive integer, e.g. 250.");
        PretrainedModels.CheckArguments(o);
        TextModelPresets.CheckName(o.Model);
        return TrainRun.CheckArguments(o with { Model = ModelPresets.Names[0] });   // the checks shared with image training
    }

    static TextDataset AsBinary(TextDataset d) =>
        new(d.Texts, d.Labels, d.ClassNames, "binary", d.BatchSize, d.Shuffle, d.FilePaths, d.Skipped);

    static TextDataset Read(Func<TextDataset> read, string option)
    {
        try { return read(); }
        catch (ArgumentException e) { throw new CliException(ExitCodes.BadInput, $"{option}: {e.Message}", e); }
    }
}
