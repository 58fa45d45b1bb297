using Deepen.Ops;
using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Utils;

namespace Deepen.Data.Sources;

/// <summary>
/// Batches of images listed in a CSV file (path, label), as Keras's <c>DataFrameIterator</c>. Created by
/// <see cref="ImageDataGenerator.FlowFromCsv"/>; behaves like <see cref="DirectoryIterator"/> (audit, background
/// decoding, seeded shuffling and augmentation).
/// </summary>
/// <example><code>
/// // labels.csv:  filename,class
/// //              img/001.png,cat
/// var train = new ImageDataGenerator(rescale: 1 / 255.0).FlowFromCsv("data/labels.csv", targetSize: (64, 64), classMode: "sparse");
/// </code></example>
public sealed class CsvImageIterator : ImageFileIterator
{
    CsvImageIterator(ImageFileList files, ImageDataGenerator generator, Size2 targetSize, ColorMode colorMode, ClassMode classMode,
        int batchSize, bool shuffle, int? seed, Interpolation interpolation, bool keepAspectRatio, PipelineOptions? pipeline,
        AuditReport report, string? reportPath, string csvPath)
        : base(files, generator, targetSize, colorMode, classMode, batchSize, shuffle, seed, interpolation, keepAspectRatio,
            pipeline, report, reportPath, csvPath)
    {
        CsvPath = csvPath;
    }

    /// <summary>The CSV file read (full path).</summary>
    public string CsvPath { get; }

    internal static CsvImageIterator Create(ImageDataGenerator generator, string csvPath, string? directory, string xCol, string yCol,
        Size2 targetSize, ColorMode colorMode, IReadOnlyList<string>? classes, ClassMode classMode, int batchSize, bool shuffle,
        int? seed, string? subset, Interpolation interpolation, bool keepAspectRatio, bool strict, string? reportPath,
        AuditOptions? audit, PipelineOptions? pipeline, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(csvPath);
        if (!File.Exists(csvPath)) throw Check.Invalid(nameof(csvPath), csvPath, "an existing CSV file");
        string csv = Path.GetFullPath(csvPath);
        string root = Path.GetFullPath(directory ?? Path.GetDirectoryName(csv)!);
        var files = Read(csv, root, xCol, yCol, classes);
        audit ??= AuditOptions.Default;
        var (kept, report) = AuditFiles(files, audit, strict, reportPath, csv, verbose);
        if (subset is not null)
        {
            int cut = (int)(kept.Count * generator.ValidationSplit);
            kept = kept.Select(subset == "validation" ? Enumerable.Range(0, cut) : Enumerable.Range(cut, kept.Count - cut));
        }
        if (verbose) Console.WriteLine($"Found {kept.Count} validated image filenames belonging to {kept.ClassNames.Count} classes.");
        return new CsvImageIterator(kept, generator, targetSize, colorMode, classMode, batchSize, shuffle, seed, interpolation,
            keepAspectRatio, pipeline, report, reportPath, csv);
    }

    static ImageFileList Read(string csv, string root, string xCol, string yCol, IReadOnlyList<string>? classes)
    {
        var rows = CsvReader.ReadAll(csv);
        if (rows.Count == 0) throw Check.Invalid("csvPath", csv, "a CSV file with a header row and one row per image");
        var header = rows[0].Select(h => h.Trim()).ToArray();
        int xi = Array.IndexOf(header, xCol), yi = Array.IndexOf(header, yCol);
        if (xi < 0 || yi < 0)
        {
            if (header.Length != 2 || Array.IndexOf(header, xCol) >= 0 || Array.IndexOf(header, yCol) >= 0)
                throw Check.Invalid(xi < 0 ? nameof(xCol) : nameof(yCol), xi < 0 ? xCol : yCol,
                    $"a column of {csv}; its header has {string.Join(", ", header.Select(h => $"\"{h}\""))}");
            (xi, yi) = (0, 1);                                                       // (path, label)
        }
        var entries = rows.Skip(1).Where(r => r.Length > Math.Max(xi, yi) && r[xi].Trim().Length > 0)
            .Select(r => (Path: r[xi].Trim(), Label: r[yi].Trim())).ToList();
        var names = classes?.ToArray() ?? entries.Select(e => e.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = names.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i);
        var unknown = entries.Select(e => e.Label).Where(l => !index.ContainsKey(l)).Distinct().ToArray();
        if (classes is not null && unknown.Length > 0)
            entries = entries.Where(e => index.ContainsKey(e.Label)).ToList();         // Keras drops rows of unlisted classes
        var paths = entries.Select(e => Path.GetFullPath(Path.Combine(root, e.Path))).ToArray();
        return new ImageFileList(root, names, paths, entries.Select(e => e.Path).ToArray(), entries.Select(e => index[e.Label]).ToArray());
    }
}
