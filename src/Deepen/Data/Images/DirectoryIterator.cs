using Deepen.Ops;
using Deepen.Data.Audit;

namespace Deepen.Data.Images;

/// <summary>
/// Batches of images read from a folder with one subfolder per class, as Keras's <c>DirectoryIterator</c>.
/// Created by <see cref="ImageDataGenerator.FlowFromDirectory"/> and <see cref="DatasetUtils.ImageDatasetFromDirectory"/>;
/// pass it to <c>model.Fit</c>, <c>Evaluate</c> or <c>Predict</c>. Rows of <c>Predict</c> follow <see cref="ImageFileIterator.Filenames"/>
/// when <c>shuffle</c> is false; with shuffling they follow <c>EpochOrder(0)</c>, which maps them back to files.
/// </summary>
/// <example><code>
/// var test = new ImageDataGenerator(rescale: 1 / 255.0)
///     .FlowFromDirectory("data/test", targetSize: (150, 150), classMode: "binary", shuffle: false);
/// Console.WriteLine(string.Join(", ", test.ClassIndices));   // [cats, 0], [dogs, 1]
/// Tensor p = model.Predict(test);                            // rows follow test.Filenames
/// </code></example>
public sealed class DirectoryIterator : ImageFileIterator
{
    internal DirectoryIterator(ImageFileList files, ImageDataGenerator? generator, Size2 targetSize, ColorMode colorMode,
        ClassMode classMode, int batchSize, bool shuffle, int? seed, Interpolation interpolation, bool keepAspectRatio,
        PipelineOptions? pipeline, AuditReport report, string? reportPath, string? subset)
        : base(files, generator, targetSize, colorMode, classMode, batchSize, shuffle, seed, interpolation, keepAspectRatio,
            pipeline, report, reportPath, files.Root)
    {
        Directory = files.Root;
        Subset = subset;
    }

    /// <summary>The folder read (full path).</summary>
    public string Directory { get; }
    /// <summary>"training", "validation" or null (all files).</summary>
    public string? Subset { get; }

    /// <summary>Lists, audits and filters a class folder; prints the audit summary when files are skipped.</summary>
    internal static (ImageFileList Kept, AuditReport Report) ListAndAudit(string directory, IReadOnlyList<string>? classes,
        bool followLinks, AuditOptions? audit, bool strict, string? reportPath, bool verbose)
    {
        var files = ClassFolders.Scan(directory, classes, followLinks);
        return AuditFiles(files, audit, strict, reportPath, files.Root, verbose);
    }

    /// <summary>Keras 2's split: in each class, the first <paramref name="fraction"/> of its files (in order) is validation.</summary>
    internal static ImageFileList SplitPerClass(ImageFileList files, double fraction, string? subset)
    {
        if (subset is null) return files;
        var keep = new List<int>();
        foreach (var group in Enumerable.Range(0, files.Count).GroupBy(i => files.Labels[i]).OrderBy(g => g.Key))
        {
            var members = group.ToList();
            int cut = (int)(fraction * members.Count);
            keep.AddRange(subset == "validation" ? members.Take(cut) : members.Skip(cut));
        }
        return files.Select(keep);
    }
}
