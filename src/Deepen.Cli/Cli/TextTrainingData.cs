using System.Globalization;
using System.Text.Json.Nodes;
using Deepen.Callbacks;
using Deepen.Data.Text;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Reports;
using Deepen.Training;

namespace Deepen.Cli;

/// <summary>
/// <c>deepen train --text</c>: class folders of .txt files (unreadable files are skipped and listed in audit.json), a
/// text preset whose TextVectorization is adapted on the training texts, and a report with the texts' snippets.
/// </summary>
public sealed class TextTrainingData : TrainingData
{
    TextDataset _train;
    TextDataset? _validation, _test;
    TextVectorization? _vectorizer;
    Applications.PretrainedPresets.Parts<Sequential>? _pretrained;
    readonly string _which;

    TextTrainingData(TextDataset train, TextDataset? validation, TextDataset? test)
    {
        _train = train;
        _validation = validation;
        _test = test;
        _which = test is not null ? "test set" : validation is not null ? "validation set" : "training set; no validation data given";
    }

    /// <summary>Checks the text options that need no files (exit code 2) and returns the optimizer, with the preset's clipping.</summary>
    public static Optimizer CheckArguments(TrainOptions o)
    {
        if (o.Augment != AugmentSpec.None) throw new CliException(ExitCodes.Usage, "--augment applies to images; it cannot be used with --text.");
        if (o.MaxTokens < 3) throw new CliException(ExitCodes.Usage, $"Invalid value for --max-tokens: {o.MaxTokens}. Expected an integer of at least 3 (the vocabulary includes padding and [UNK]), e.g. 20000.");
        if (o.SequenceLength <= 0) throw new CliException(ExitCodes.Usage, $"Invalid value for --sequence-length: {o.SequenceLength}. Expected a positive integer, e.g. 250.");
        PretrainedModels.CheckArguments(o);
        TextModelPresets.CheckName(o.Model);
        return TextModelPresets.WithClipping(o.Model, TrainRun.CheckArguments(o with { Model = ModelPresets.Names[0] }));   // the checks shared with image training
    }

    /// <summary>Reads the training, validation and test folders.</summary>
    public static TextTrainingData Read(TrainOptions o)
    {
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
        var data = new TextTrainingData(train, validation, test);
        if (train.ClassNames.Count == 2)
        {
            data._train = AsBinary(train);
            data._validation = validation is null ? null : AsBinary(validation);
            data._test = test is null ? null : AsBinary(test);
        }
        return data;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ClassNames => _train.ClassNames;
    /// <inheritdoc/>
    public override bool HasValidation => _validation is not null;
    /// <inheritdoc/>
    public override (int Train, int? Validation, int? Test, int Skipped) Counts => (_train.Count, _validation?.Count, _test?.Count, Skipped.Count);

    List<SkippedFile> Skipped => _train.Skipped.Concat(_validation?.Skipped ?? []).Concat(_test?.Skipped ?? []).DistinctBy(s => s.Path).ToList();

    /// <inheritdoc/>
    public override Model BuildModel(TrainOptions o, Optimizer optimizer)
    {
        if (PretrainedModels.IsPretrained(o.Model))
        {
            _pretrained = PretrainedModels.BuildText(o.Model, ClassNames.Count, _train.Count, o.Verbose > 0);
            var pretrained = _pretrained.Model;
            pretrained.ClassNames = ClassNames.ToArray();
            pretrained.Compile(optimizer, Loss, ["accuracy"]);
            if (o.Verbose > 0) Console.WriteLine($"Vocabulary: {Tokenizer!.Vocabulary.Count} WordPiece tokens (the pretrained model's), {Tokenizer.OutputSequenceLength} per text.");
            return pretrained;
        }
        var vectorizer = TextModelPresets.Vectorizer(o.Model, o.MaxTokens, o.SequenceLength);
        vectorizer.Adapt(_train.Texts);
        if (!vectorizer.HasVocabulary)
            throw new CliException(ExitCodes.BadInput, $"--train \"{o.TrainDir}\": the texts hold no tokens to build a vocabulary from.");
        _vectorizer = vectorizer;
        int classes = ClassNames.Count;
        var model = TextModelPresets.Build(o.Model, vectorizer, classes);
        model.ClassNames = ClassNames.ToArray();
        model.Compile(optimizer, classes == 2 ? "binary_crossentropy" : "sparse_categorical_crossentropy", ["accuracy"]);
        if (o.Verbose > 0) Console.WriteLine($"Vocabulary: {vectorizer.VocabularySize()} tokens (--max-tokens {o.MaxTokens}).");
        return model;
    }

    /// <inheritdoc/>
    public override History Fit(Model model, TrainOptions o, List<Callback> callbacks) =>
        _pretrained is { } parts && Tokenizer is { } tokenizer
            ? PretrainedModels.FitHead(parts, () => PretrainedModels.Features(_train, tokenizer, parts.Features, o.BatchSize),
                _validation is null ? null : () => PretrainedModels.Features(_validation, tokenizer, parts.Features, o.BatchSize), Loss, o)
            : model.Fit(_train, epochs: o.Epochs, validationData: _validation, callbacks: callbacks, verbose: o.Verbose);

    Applications.WordPieceTokenizer? Tokenizer => _pretrained?.Model.Layers[0] as Applications.WordPieceTokenizer;

    string Loss => ClassNames.Count == 2 ? "binary_crossentropy" : "sparse_categorical_crossentropy";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double>? EvaluateTest(Model model, int verbose) =>
        _test is null ? null : model.Evaluate(_test, verbose: verbose);

    /// <inheritdoc/>
    public override Report Report(Model model, History history, string trainName, RunFacts facts)
    {
        var skipped = Skipped;
        return new Report(model, history, _test ?? _validation ?? _train, new ReportOptions
        {
            Settings = facts.Settings, Timings = facts.Timings,
            Evaluate = _test is not null,                    // the test scores come from this pass (one prediction of the test set)
            Title = $"Deepen — {trainName} ({_which})",
            AuditLines = new[] { $"{_train.Count} training texts, {_validation?.Count ?? 0} validation, {_test?.Count ?? 0} test; {skipped.Count} file(s) skipped (see audit.json)." }
                .Concat(skipped.Take(10).Select(s => $"skipped {s.Path}: {s.Reason}")).ToArray(),
        });
    }

    /// <inheritdoc/>
    public override void WriteAudit(string outDir)
    {
        var skipped = Skipped;
        RunOutputs.WriteJson(Path.Combine(outDir, "audit.json"), new JsonObject
        {
            ["skipped_count"] = skipped.Count,
            ["skipped"] = new JsonArray(skipped.Select(s => (JsonNode?)new JsonObject { ["path"] = s.Path, ["reason"] = s.Reason }).ToArray()),
        });
    }

    /// <inheritdoc/>
    public override void Describe(JsonObject metrics, TrainOptions o)
    {
        metrics["kind"] = "text";
        metrics["vocabulary_size"] = _vectorizer?.VocabularySize() ?? Tokenizer?.Vocabulary.Count;
        metrics["sequence_length"] = _vectorizer?.OutputSequenceLength ?? Tokenizer?.OutputSequenceLength;
    }

    /// <inheritdoc/>
    public override IEnumerable<KeyValuePair<string, string>> Settings(TrainOptions o, Model model) => new Dictionary<string, string>
    {
        ["max tokens"] = o.MaxTokens.ToString(CultureInfo.InvariantCulture),
        ["sequence length"] = (_vectorizer?.OutputSequenceLength ?? Tokenizer?.OutputSequenceLength)?.ToString(CultureInfo.InvariantCulture) ?? "(bag of words)",
        ["vocabulary"] = (_vectorizer?.VocabularySize() ?? Tokenizer?.Vocabulary.Count)?.ToString(CultureInfo.InvariantCulture) ?? "",
    };

    static TextDataset AsBinary(TextDataset d) =>
        new(d.Texts, d.Labels, d.ClassNames, "binary", d.BatchSize, d.Shuffle, d.FilePaths, d.Skipped);

    static TextDataset Read(Func<TextDataset> read, string option)
    {
        try { return read(); }
        catch (ArgumentException e) { throw new CliException(ExitCodes.BadInput, $"{option}: {e.Message}", e); }
    }
}
