using System.Globalization;
using System.Text.Json.Nodes;
using Deepen.Callbacks;
using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Reports;
using Deepen.Training;

namespace Deepen.Cli;

/// <summary>
/// <c>deepen train</c> on images: class folders read through the audited pipeline (anomalies marked, reported in
/// audit.json and skipped), resized to <c>--image-size</c> and converted to <c>--color-mode</c>, augmented for training
/// as <c>--augment</c> says, and a report with the prediction grid and image tiles.
/// </summary>
public sealed class ImageTrainingData : TrainingData
{
    readonly DirectoryIterator _train;
    readonly ImageFileIterator? _validation, _test;
    Applications.PretrainedPresets.Parts<Model>? _pretrained;

    ImageTrainingData(DirectoryIterator train, ImageFileIterator? validation, ImageFileIterator? test)
    {
        _train = train;
        _validation = validation;
        _test = test;
    }

    /// <summary>Reads the training (audited; the audit is written to audit.json in the run folder), validation and test folders.</summary>
    public static ImageTrainingData Read(TrainOptions o)
    {
        string auditPath = Path.Combine(o.OutDir, "audit.json");
        var reference = o.TestDir ?? o.ValDir;
        // Every image is converted to --color-mode, so under grayscale a colour image is data, not an anomaly.
        var audit = new AuditOptions { ReferenceDirectory = reference, ExpectedChannels = o.ColorMode == "grayscale" ? [1, 2, 3, 4] : null };
        var size = new Size2(o.ImageSize.Height, o.ImageSize.Width);
        IReadOnlyList<string>? classes = null;
        DirectoryIterator TrainFlow() => Flow(() => o.Augment.Generator(o.ValSplit).FlowFromDirectory(o.TrainDir, size, o.ColorMode, classes: classes,
            classMode: "sparse", interpolation: o.Interpolation, batchSize: o.BatchSize, shuffle: true, seed: o.Seed, subset: o.ValSplit > 0 ? "training" : null, strict: o.Strict,
            auditReport: auditPath, audit: audit, verbose: o.Verbose > 0), "--train");
        var train = TrainFlow();
        if (DataWarnings.ClassesWithImages(train, o.TrainDir) is { } kept) { classes = kept; train = TrainFlow(); }
        if (train.NumClasses < 2)
            throw new CliException(ExitCodes.BadInput, $"--train \"{o.TrainDir}\" has {train.NumClasses} class folder(s); a classifier needs at least 2 (one subfolder per class).");
        ImageFileIterator? validation = o.ValDir is not null
            ? Flow(() => new ImageDataGenerator().FlowFromDirectory(o.ValDir, size, o.ColorMode, classes: train.ClassNames, classMode: "sparse", interpolation: o.Interpolation,
                batchSize: o.BatchSize, shuffle: false, auditReport: null, audit: EvaluationData.ReadableOnly, verbose: o.Verbose > 0), "--val")
            : o.ValSplit > 0
                // The same audit as the training subset: both split the same kept files, so no image lands in both.
                ? Flow(() => new ImageDataGenerator(validationSplit: o.ValSplit).FlowFromDirectory(o.TrainDir, size, o.ColorMode, classes: train.ClassNames, classMode: "sparse", interpolation: o.Interpolation,
                    batchSize: o.BatchSize, shuffle: false, subset: "validation", auditReport: null, audit: audit, verbose: o.Verbose > 0), "--train")
                : null;
        ImageFileIterator? test = o.TestDir is null ? null
            : Flow(() => new ImageDataGenerator().FlowFromDirectory(o.TestDir, size, o.ColorMode, classes: train.ClassNames, classMode: "sparse", interpolation: o.Interpolation,
                batchSize: o.BatchSize, shuffle: false, auditReport: null, audit: EvaluationData.ReadableOnly, verbose: o.Verbose > 0), "--test");
        return new ImageTrainingData(train, validation, test);
    }

    /// <summary>The training images' iterator (for tests: how they are read).</summary>
    internal DirectoryIterator Train => _train;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ClassNames => _train.ClassNames;
    /// <inheritdoc/>
    public override bool HasValidation => _validation is not null;
    /// <inheritdoc/>
    public override (int Train, int? Validation, int? Test, int Skipped) Counts =>
        (EvaluationData.ReadCount(_train), _validation is null ? null : EvaluationData.ReadCount(_validation),
         _test is null ? null : EvaluationData.ReadCount(_test), _train.AuditReport.SkippedCount);

    /// <inheritdoc/>
    public override Model BuildModel(TrainOptions o, Optimizer optimizer)
    {
        var shape = _train.ImageShape;
        _pretrained = PretrainedModels.IsPretrained(o.Model) ? PretrainedModels.BuildImage(o.Model, _train.NumClasses, EvaluationData.ReadCount(_train), o.Verbose > 0) : null;
        var model = _pretrained?.Model ?? ModelPresets.Build(o.Model, (shape[0], shape[1], shape[2]), _train.NumClasses);
        model.ClassNames = _train.ClassNames.ToArray();
        model.Compile(optimizer, Loss, ["accuracy"],
            dtypePolicy: o.MixedPrecision ? "mixed_bfloat16" : "float32");
        return model;
    }

    /// <inheritdoc/>
    public override History Fit(Model model, TrainOptions o, List<Callback> callbacks) =>
        _pretrained is { } parts && PretrainedModels.TrainsOnFeatures(o)
            ? PretrainedModels.FitHead(parts, () => PretrainedModels.Features(_train, parts.Features),
                _validation is null ? null : () => PretrainedModels.Features(_validation, parts.Features), Loss, o)
            : model.Fit(_train, epochs: o.Epochs, validationData: _validation, callbacks: callbacks, verbose: o.Verbose);

    /// <summary><c>--fine-tune N</c>'s second phase on the same data (see <see cref="PretrainedModels.FineTune"/>).</summary>
    internal GuardedFit FineTune(TrainOptions o, RunFolder run, Model model, Optimizer first, GuardedFit frozen) =>
        PretrainedModels.FineTune(o, run, model, first, Loss, frozen, _train, _validation);

    string Loss => _train.NumClasses == 2 ? "binary_crossentropy" : "sparse_categorical_crossentropy";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double>? EvaluateTest(Model model, int verbose) =>
        _test is null ? null : model.Evaluate(_test, verbose: verbose);

    /// <inheritdoc/>
    public override Report Report(Model model, History history, string trainName, RunFacts facts)
    {
        if ((_test ?? _validation) is { } evaluation)
            return new Report(model, history, evaluation, _train.ClassNames, new ReportOptions
            {
                Title = $"Deepen — {trainName} ({(_test is null ? "validation" : "test")} set)",
                Audit = _train.AuditReport,
                AuditLines = new[] { _train.AuditReport.Summary() },
                AuditFacts = AuditFacts(_train.AuditReport),
                Settings = facts.Settings,
                Timings = facts.Timings,
                Evaluate = _test is not null,                // the test scores come from this pass (one prediction of the test set)
            });
        // Without validation or test data the report is built over the (un-augmented) training images.
        var plain = new ImageDataGenerator().FlowFromDirectory(_train.Directory, _train.TargetSize, _train.ColorMode.ToString().ToLowerInvariant(),
            classes: _train.ClassNames, classMode: "sparse", batchSize: _train.BatchSize, shuffle: false, auditReport: null, verbose: false);
        return new Report(model, history, plain, _train.ClassNames, new ReportOptions
        {
            Title = "Deepen — training set (no validation data given)",
            AuditLines = new[] { _train.AuditReport.Summary() },
            Settings = facts.Settings,
        });
    }

    /// <inheritdoc/>
    public override void Describe(JsonObject metrics, TrainOptions o)
    {
        metrics["image_size"] = new JsonArray(o.ImageSize.Width, o.ImageSize.Height);
        metrics["color_mode"] = o.ColorMode;
    }

    /// <inheritdoc/>
    public override IEnumerable<KeyValuePair<string, string>> Settings(TrainOptions o, Model model) => new Dictionary<string, string>
    {
        ["image size"] = $"{o.ImageSize.Width}x{o.ImageSize.Height}", ["color mode"] = o.ColorMode,
        ["augment"] = o.Augment.ToString(), ["dtype policy"] = model.DTypePolicy.Name,
    };

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
