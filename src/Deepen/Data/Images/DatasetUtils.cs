using Deepen.Ops;
using Deepen.Data.Audit;
using Deepen.Utils;

namespace Deepen.Data.Images;

/// <summary>Keras 3's dataset utilities (<c>keras.utils.image_dataset_from_directory</c>).</summary>
public static class DatasetUtils
{
    /// <summary>
    /// Reads a folder of class subfolders as batches of float32 images [batch, height, width, channels] with values
    /// 0–255 and labels, as Keras 3's <c>image_dataset_from_directory</c>. With <paramref name="validationSplit"/>,
    /// the file list is shuffled once with <paramref name="seed"/> and the last fraction is the validation subset,
    /// so calls with the same seed and the two subsets partition the files. Files are audited first, as in
    /// <see cref="ImageDataGenerator.FlowFromDirectory"/>.
    /// </summary>
    /// <param name="directory">The folder of class subfolders.</param>
    /// <param name="labelMode">"int" (int64 indices), "categorical" (one-hot), "binary" (0/1 floats) or null (no labels).</param>
    /// <param name="classNames">Class subfolders in index order; default: all, in ordinal order.</param>
    /// <param name="colorMode">"rgb", "grayscale" or "rgba".</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="imageSize">(height, width); default (256, 256).</param>
    /// <param name="shuffle">Shuffle the files (and reshuffle each epoch).</param>
    /// <param name="seed">Seed for shuffling and the split; required with a validation split when shuffling.</param>
    /// <param name="validationSplit">Fraction of files for validation, in (0, 1), or null.</param>
    /// <param name="subset">"training" or "validation" (with <paramref name="validationSplit"/>).</param>
    /// <param name="interpolation">Resizing filter; default "bilinear".</param>
    /// <param name="followLinks">Follow symbolic links to folders.</param>
    /// <param name="cropToAspectRatio">Centre-crop to the target aspect ratio before resizing.</param>
    /// <param name="strict">Throw a <see cref="DataAuditException"/> when the audit marks files.</param>
    /// <param name="auditReport">Where the JSON audit report is written; null for none.</param>
    /// <param name="audit">Audit options.</param>
    /// <param name="pipeline">Background decoding options.</param>
    /// <param name="verbose">Print what was found.</param>
    /// <example><code>
    /// var train = DatasetUtils.ImageDatasetFromDirectory("data/photos", validationSplit: 0.2, subset: "training", seed: 1337, imageSize: (180, 180));
    /// var val   = DatasetUtils.ImageDatasetFromDirectory("data/photos", validationSplit: 0.2, subset: "validation", seed: 1337, imageSize: (180, 180));
    /// Console.WriteLine(string.Join(", ", train.ClassNames));
    /// </code></example>
    public static DirectoryIterator ImageDatasetFromDirectory(string directory, string? labelMode = "int",
        IReadOnlyList<string>? classNames = null, string colorMode = "rgb", int batchSize = 32, Size2? imageSize = null,
        bool shuffle = true, int? seed = null, double? validationSplit = null, string? subset = null,
        string interpolation = "bilinear", bool followLinks = false, bool cropToAspectRatio = false, bool strict = false,
        string? auditReport = "deepen-audit.json", AuditOptions? audit = null, PipelineOptions? pipeline = null, bool verbose = true)
    {
        var mode = labelMode is null ? ClassMode.None : Check.OneOf(labelMode, nameof(labelMode), "int", "categorical", "binary") switch
        {
            "int" => ClassMode.Int,
            "categorical" => ClassMode.Categorical,
            _ => ClassMode.Binary,
        };
        var color = EnumText.Parse<ColorMode>(colorMode, nameof(colorMode));
        var interp = EnumText.Parse<Interpolation>(interpolation, nameof(interpolation));
        var size = (imageSize ?? new Size2(256, 256)).Validate(nameof(imageSize));
        Check.Positive(batchSize, nameof(batchSize));
        string? sub = ValidationSplit.CheckSubset(validationSplit, subset, shuffle, seed);

        var (kept, report) = DirectoryIterator.ListAndAudit(directory, classNames, followLinks, audit, strict, auditReport, verbose);
        if (verbose) Console.WriteLine($"Found {kept.Count} files belonging to {kept.ClassNames.Count} classes.");
        var order = Enumerable.Range(0, kept.Count).ToArray();
        if (shuffle) new Random(Seeds.Mix(seed ?? Seeds.NewDefault(), 0, 11)).Shuffle(order);
        var files = kept.Select(order);
        if (validationSplit is double split)
        {
            int validation = (int)(split * files.Count);
            files = sub == "validation"
                ? files.Select(Enumerable.Range(files.Count - validation, validation))
                : files.Select(Enumerable.Range(0, files.Count - validation));
            if (verbose) Console.WriteLine($"Using {files.Count} files for {sub}.");
        }
        return new DirectoryIterator(files, null, size, color, mode, batchSize, shuffle, seed, interp, cropToAspectRatio,
            pipeline, report, auditReport, sub);
    }
}
