using Deepen.Ops;
using Deepen.Data.Audit;
using Deepen.Data.Sources;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data.Images;

/// <summary>
/// Keras's <c>ImageDataGenerator</c>: real-time augmentation and standardization of image batches, and the
/// iterators that read them (<see cref="FlowFromDirectory"/>, <see cref="Flow(Tensor, Tensor?, int, bool, Tensor?, int?, string?)"/>,
/// <see cref="FlowFromCsv"/>). Every image gets its own random transform (rotation, shifts, shear, zoom, flips,
/// channel shift, brightness), drawn from a seeded stream and applied to the whole batch at once as tensor
/// operations (one affine matrix per sample, <c>affine_grid</c> + <c>grid_sample</c>). Then
/// <c>preprocessingFunction</c> and <c>rescale</c> are applied, in Keras's order.
/// </summary>
/// <example><code>
/// var trainDatagen = new ImageDataGenerator(rescale: 1.0 / 255, shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true);
/// var trainGenerator = trainDatagen.FlowFromDirectory("data/train", targetSize: (150, 150), batchSize: 32, classMode: "binary");
/// model.Fit(trainGenerator, epochs: 30);
/// </code></example>
public sealed partial class ImageDataGenerator
{
    readonly Random _random = new(Seeds.NewDefault());

    /// <param name="rotationRange">Degrees: each image is rotated by a uniform angle in [-r, r].</param>
    /// <param name="widthShiftRange">Horizontal shift: a fraction of the width when below 1 (uniform in [-r, r]·width), else pixels.</param>
    /// <param name="heightShiftRange">Vertical shift: a fraction of the height when below 1, else pixels.</param>
    /// <param name="brightnessRange">A range (lower, upper) of brightness factors, 1 meaning unchanged; null for none.</param>
    /// <param name="shearRange">Shear angle in degrees, counter-clockwise: uniform in [-s, s].</param>
    /// <param name="zoomRange">A float z for [1 − z, 1 + z], or (lower, upper); independent factors for width and height.</param>
    /// <param name="channelShiftRange">Uniform value in [-c, c] added to all channels, clipped to the image's range.</param>
    /// <param name="fillMode">"nearest", "constant", "reflect" or "wrap": how points outside the image are filled.</param>
    /// <param name="cval">The fill value for <c>fillMode: "constant"</c>.</param>
    /// <param name="horizontalFlip">Mirror half of the images left-right.</param>
    /// <param name="verticalFlip">Mirror half of the images top-bottom.</param>
    /// <param name="rescale">Multiply the data by this value after all other transforms (e.g. 1/255); null or 0 for none.</param>
    /// <param name="preprocessingFunction">Applied after augmentation and before <paramref name="rescale"/>, to a whole batch
    /// [batch, height, width, channels] (Keras passes single images; element-wise functions work either way).</param>
    /// <param name="validationSplit">Fraction of images reserved for <c>subset: "validation"</c>, in [0, 1).</param>
    /// <param name="interpolationOrder">0 for nearest, 1 for bilinear (the default) sampling in geometric transforms.</param>
    public ImageDataGenerator(double rotationRange = 0, double widthShiftRange = 0, double heightShiftRange = 0,
        (double Lower, double Upper)? brightnessRange = null, double shearRange = 0, ZoomRange? zoomRange = null,
        double channelShiftRange = 0, string fillMode = "nearest", double cval = 0, bool horizontalFlip = false,
        bool verticalFlip = false, double? rescale = null, Func<Tensor, Tensor>? preprocessingFunction = null,
        double validationSplit = 0, int interpolationOrder = 1)
    {
        RotationRange = Check.NonNegative(rotationRange, nameof(rotationRange));
        WidthShiftRange = Check.NonNegative(widthShiftRange, nameof(widthShiftRange));
        HeightShiftRange = Check.NonNegative(heightShiftRange, nameof(heightShiftRange));
        if (brightnessRange is (double lo, double hi) && !(lo >= 0 && hi >= lo && double.IsFinite(hi)))
            throw Check.Invalid(nameof(brightnessRange), new[] { lo, hi }, "a pair (lower, upper) with 0 <= lower <= upper, e.g. (0.8, 1.2)");
        BrightnessRange = brightnessRange;
        ShearRange = Check.NonNegative(shearRange, nameof(shearRange));
        ZoomRange = (zoomRange ?? 0.0).Validate(nameof(zoomRange));
        ChannelShiftRange = Check.NonNegative(channelShiftRange, nameof(channelShiftRange));
        FillMode = EnumText.Parse<FillMode>(fillMode, nameof(fillMode));
        Cval = double.IsFinite(cval) ? cval : throw Check.Invalid(nameof(cval), cval, "a finite number");
        HorizontalFlip = horizontalFlip;
        VerticalFlip = verticalFlip;
        Rescale = rescale is 0 ? null : rescale is double r && !double.IsFinite(r) ? throw Check.Invalid(nameof(rescale), r, "a finite number or null") : rescale;
        PreprocessingFunction = preprocessingFunction;
        ValidationSplit = Check.Fraction(validationSplit, nameof(validationSplit));
        Interpolation = interpolationOrder switch
        {
            0 => Interpolation.Nearest,
            1 => Interpolation.Bilinear,
            _ => throw Check.Invalid(nameof(interpolationOrder), interpolationOrder, "0 (nearest) or 1 (bilinear)"),
        };
    }

    /// <summary>Maximum rotation in degrees.</summary>
    public double RotationRange { get; }
    /// <summary>Horizontal shift range: a fraction of the width below 1, else pixels.</summary>
    public double WidthShiftRange { get; }
    /// <summary>Vertical shift range: a fraction of the height below 1, else pixels.</summary>
    public double HeightShiftRange { get; }
    /// <summary>Brightness factor range, or null.</summary>
    public (double Lower, double Upper)? BrightnessRange { get; }
    /// <summary>Maximum shear angle in degrees.</summary>
    public double ShearRange { get; }
    /// <summary>Zoom (sampling scale) range.</summary>
    public ZoomRange ZoomRange { get; }
    /// <summary>Maximum value added to all channels.</summary>
    public double ChannelShiftRange { get; }
    /// <summary>How points outside the image are filled.</summary>
    public FillMode FillMode { get; }
    /// <summary>Fill value for <see cref="Ops.FillMode.Constant"/>.</summary>
    public double Cval { get; }
    /// <summary>Whether half of the images are mirrored left-right.</summary>
    public bool HorizontalFlip { get; }
    /// <summary>Whether half of the images are mirrored top-bottom.</summary>
    public bool VerticalFlip { get; }
    /// <summary>Factor applied last (e.g. 1/255), or null.</summary>
    public double? Rescale { get; }
    /// <summary>Applied to each batch after augmentation, before rescaling.</summary>
    public Func<Tensor, Tensor>? PreprocessingFunction { get; }
    /// <summary>Fraction reserved for <c>subset: "validation"</c>.</summary>
    public double ValidationSplit { get; }
    /// <summary>Sampling used by geometric transforms (from <c>interpolationOrder</c>).</summary>
    public Interpolation Interpolation { get; }

    /// <summary>
    /// Reads images from <paramref name="directory"/>, one subfolder per class, as Keras's <c>flow_from_directory</c>.
    /// Before returning it audits the files (hashes and headers; see <see cref="DataAudit"/>), leaves out marked ones,
    /// prints "Skipped N of M files: … — see deepen-audit.json" when it did, writes the JSON report, and prints
    /// "Found N images belonging to K classes.".
    /// </summary>
    /// <param name="directory">The folder of class subfolders.</param>
    /// <param name="targetSize">(height, width) images are resized to; default (256, 256).</param>
    /// <param name="colorMode">"rgb", "grayscale" or "rgba".</param>
    /// <param name="classes">Class subfolder names in index order; default: all non-hidden subfolders in ordinal order.</param>
    /// <param name="classMode">"categorical", "binary", "sparse", "input" or "none" (also "int").</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Visit the files in a new seeded order each epoch; false keeps <c>Filenames</c> order.</param>
    /// <param name="seed">Seed of the shuffling and augmentation; the same seed gives the same batches.</param>
    /// <param name="followLinks">Follow symbolic links to folders inside class folders.</param>
    /// <param name="subset">"training" or "validation" with the generator's <see cref="ValidationSplit"/> (the first
    /// fraction of each class's files is validation, as in Keras); null for all files.</param>
    /// <param name="interpolation">Resizing filter: "nearest" (Keras's default), "bilinear", "bicubic", "lanczos", "box", "hamming".</param>
    /// <param name="keepAspectRatio">Centre-crop to the target aspect ratio before resizing.</param>
    /// <param name="strict">Throw a <see cref="DataAuditException"/> listing the marked files instead of skipping them.</param>
    /// <param name="auditReport">Where the JSON audit report is written; null to write none.</param>
    /// <param name="audit">Audit thresholds, leakage reference folder, or <see cref="AuditOptions.Disabled"/>.</param>
    /// <param name="pipeline">Background decoding workers, queue size and cache.</param>
    /// <param name="verbose">Print the "Found …" and audit summary lines.</param>
    public DirectoryIterator FlowFromDirectory(string directory, Size2? targetSize = null, string colorMode = "rgb",
        IReadOnlyList<string>? classes = null, string classMode = "categorical", int batchSize = 32, bool shuffle = true,
        int? seed = null, bool followLinks = false, string? subset = null, string interpolation = "nearest",
        bool keepAspectRatio = false, bool strict = false, string? auditReport = "deepen-audit.json",
        AuditOptions? audit = null, PipelineOptions? pipeline = null, bool verbose = true)
    {
        var size = (targetSize ?? new Size2(256, 256)).Validate(nameof(targetSize));
        var color = EnumText.Parse<ColorMode>(colorMode, nameof(colorMode));
        var mode = EnumText.Parse<ClassMode>(classMode, nameof(classMode));
        var interp = EnumText.Parse<Interpolation>(interpolation, nameof(interpolation));
        string? sub = CheckSubset(subset);
        Check.Positive(batchSize, nameof(batchSize));
        var (kept, report) = DirectoryIterator.ListAndAudit(directory, classes, followLinks, audit, strict, auditReport, verbose);
        var files = DirectoryIterator.SplitPerClass(kept, ValidationSplit, sub);
        if (verbose) Console.WriteLine($"Found {files.Count} images belonging to {files.ClassNames.Count} classes.");
        return new DirectoryIterator(files, this, size, color, mode, batchSize, shuffle, seed, interp, keepAspectRatio,
            pipeline, report, auditReport, sub);
    }

    /// <summary>
    /// Batches over in-memory images [N, height, width, channels] (values as stored, e.g. 0–255) and optional
    /// targets, augmented like <see cref="FlowFromDirectory"/>, as Keras's <c>flow(x, y)</c>.
    /// </summary>
    /// <param name="x">Images, channels last.</param>
    /// <param name="y">Targets with N rows, or null.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Reshuffle each epoch (seeded).</param>
    /// <param name="sampleWeight">Per-sample loss weights [N], or null.</param>
    /// <param name="seed">Seed of the shuffling and augmentation.</param>
    /// <param name="subset">"training" or "validation": as Keras, the first <see cref="ValidationSplit"/> of the rows is validation.</param>
    public ArrayIterator Flow(Tensor x, Tensor? y = null, int batchSize = 32, bool shuffle = true, Tensor? sampleWeight = null,
        int? seed = null, string? subset = null) =>
        new(x, y, this, batchSize, shuffle, sampleWeight, seed, CheckSubset(subset));

    /// <summary>Batches over plain arrays (float[,,,] or byte[,,,] images, int[] or float[] labels).</summary>
    public ArrayIterator Flow(Array x, Array? y = null, int batchSize = 32, bool shuffle = true, Array? sampleWeight = null,
        int? seed = null, string? subset = null) =>
        Flow(ArrayConverter.ToTensor(x, nameof(x)), y is null ? null : ArrayConverter.ToTensor(y, nameof(y)), batchSize, shuffle,
            sampleWeight is null ? null : ArrayConverter.ToTensor(sampleWeight, nameof(sampleWeight)), seed, subset);

    /// <summary>
    /// Reads images listed in a CSV file (a path column and a label column), as Keras's <c>flow_from_dataframe</c>.
    /// Paths are relative to <paramref name="directory"/> (default: the CSV's folder). Columns are found by the header
    /// names <paramref name="xCol"/> and <paramref name="yCol"/>; a two-column file whose header has neither is read as
    /// (path, label). Classes are the distinct labels in ordinal order unless <paramref name="classes"/> is given.
    /// Missing files are audited as "missing" and skipped like other anomalies.
    /// </summary>
    public CsvImageIterator FlowFromCsv(string csvPath, string? directory = null, string xCol = "filename", string yCol = "class",
        Size2? targetSize = null, string colorMode = "rgb", IReadOnlyList<string>? classes = null, string classMode = "categorical",
        int batchSize = 32, bool shuffle = true, int? seed = null, string? subset = null, string interpolation = "nearest",
        bool keepAspectRatio = false, bool strict = false, string? auditReport = "deepen-audit.json", AuditOptions? audit = null,
        PipelineOptions? pipeline = null, bool verbose = true) =>
        CsvImageIterator.Create(this, csvPath, directory, xCol, yCol, (targetSize ?? new Size2(256, 256)).Validate(nameof(targetSize)),
            EnumText.Parse<ColorMode>(colorMode, nameof(colorMode)), classes, EnumText.Parse<ClassMode>(classMode, nameof(classMode)),
            Check.Positive(batchSize, nameof(batchSize)), shuffle, seed, CheckSubset(subset),
            EnumText.Parse<Interpolation>(interpolation, nameof(interpolation)), keepAspectRatio, strict, auditReport, audit, pipeline, verbose);

    string? CheckSubset(string? subset)
    {
        if (subset is null) return null;
        string s = Check.OneOf(subset, nameof(subset), "training", "validation");
        if (ValidationSplit == 0)
            throw Check.Invalid(nameof(subset), subset, "null, because this ImageDataGenerator has validationSplit: 0 (set validationSplit, e.g. 0.2, to use subsets)");
        return s;
    }
}
