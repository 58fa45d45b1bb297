using Deepen.Data.Images;
using Deepen.Utils;

namespace Deepen.Data.Text;

/// <summary>Keras 3's <c>keras.utils.text_dataset_from_directory</c>.</summary>
public static class TextDatasetUtils
{
    /// <summary>
    /// Reads a folder of class subfolders of .txt files, as Keras 3's <c>text_dataset_from_directory</c>: classes are
    /// the subfolders in ordinal order (or <paramref name="classNames"/>), files are found recursively, hidden files
    /// and folders are ignored. Files that cannot be used (unreadable, not valid UTF-8, empty, binary) are reported
    /// and skipped, never fatal. With <paramref name="validationSplit"/> the files are shuffled once with
    /// <paramref name="seed"/> and the last fraction is the validation subset, so the two subsets of calls with the
    /// same seed are disjoint and together hold every file.
    /// </summary>
    /// <param name="directory">The folder of class subfolders.</param>
    /// <param name="labelMode">"int" (int64 indices), "categorical" (one-hot), "binary" (0/1 floats, 2 classes) or null (no labels).</param>
    /// <param name="classNames">Class subfolders in index order; default: all, in ordinal order.</param>
    /// <param name="batchSize">Texts per batch when training on the dataset.</param>
    /// <param name="maxLength">Cut each text to at most this many characters; null keeps it whole.</param>
    /// <param name="shuffle">Shuffle the files (and reshuffle each epoch when training).</param>
    /// <param name="seed">Seed for shuffling and the split; required with a validation split when shuffling.</param>
    /// <param name="validationSplit">Fraction of the files for validation, in (0, 1), or null.</param>
    /// <param name="subset">"training" or "validation" (with <paramref name="validationSplit"/>).</param>
    /// <param name="followLinks">Follow symbolic links to folders.</param>
    /// <param name="verbose">Print what was found and skipped.</param>
    /// <example><code>
    /// var train = TextDatasetUtils.TextDatasetFromDirectory("aclImdb/train", validationSplit: 0.2, subset: "training", seed: 1337);
    /// var val   = TextDatasetUtils.TextDatasetFromDirectory("aclImdb/train", validationSplit: 0.2, subset: "validation", seed: 1337);
    /// // Found 25000 files belonging to 2 classes.
    /// // Using 20000 files for training.
    /// </code></example>
    public static TextDataset TextDatasetFromDirectory(string directory, string? labelMode = "int",
        IReadOnlyList<string>? classNames = null, int batchSize = 32, int? maxLength = null, bool shuffle = true,
        int? seed = null, double? validationSplit = null, string? subset = null, bool followLinks = false, bool verbose = true)
    {
        ArgumentNullException.ThrowIfNull(directory, nameof(directory));
        string? mode = labelMode is null ? null : Check.OneOf(labelMode, nameof(labelMode), "int", "categorical", "binary");
        Check.Positive(batchSize, nameof(batchSize));
        if (maxLength is int max) Check.Positive(max, nameof(maxLength));
        string? sub = ValidationSplit.CheckSubset(validationSplit, subset, shuffle, seed);
        if (!Directory.Exists(directory))
            throw Check.Invalid(nameof(directory), directory, "an existing folder with one subfolder per class");

        string root = Path.GetFullPath(directory);
        var classes = ClassList(root, classNames);
        if (mode == "binary" && classes.Length != 2)
            throw Check.Invalid(nameof(labelMode), "binary", $"\"int\" or \"categorical\" for {classes.Length} classes ({string.Join(", ", classes)}); \"binary\" needs exactly 2 classes");

        var paths = new List<string>();
        var texts = new List<string>();
        var labels = new List<int>();
        var skipped = new List<SkippedFile>();
        for (int c = 0; c < classes.Length; c++)
            foreach (var file in TextFiles.Under(Path.Combine(root, classes[c]), followLinks))
            {
                var (text, problem) = TextFiles.Read(file);
                if (text is null) { skipped.Add(new SkippedFile(file, problem!)); continue; }
                paths.Add(file);
                texts.Add(TextFiles.Truncate(text, maxLength));
                labels.Add(c);
            }
        if (verbose)
        {
            Console.WriteLine($"Found {texts.Count} files belonging to {classes.Length} classes.");
            if (skipped.Count > 0)
            {
                Console.WriteLine($"Skipped {skipped.Count} file{(skipped.Count == 1 ? "" : "s")} that cannot be used:");
                foreach (var s in skipped.Take(20)) Console.WriteLine($"  {Path.GetRelativePath(root, s.Path)}: {s.Reason}");
                if (skipped.Count > 20) Console.WriteLine($"  … and {skipped.Count - 20} more");
            }
        }
        if (texts.Count == 0)
            throw Check.Invalid(nameof(directory), directory, $"class subfolders holding .txt files; found no usable ones in {classes.Length} classes ({string.Join(", ", classes)})");

        var order = Enumerable.Range(0, texts.Count).ToArray();
        if (shuffle) new Random(Seeds.Mix(seed ?? Seeds.NewDefault(), 0, 13)).Shuffle(order);
        if (validationSplit is double split)
        {
            int validation = (int)(split * order.Length);
            order = sub == "validation" ? order[^validation..] : order[..^validation];
            if (verbose) Console.WriteLine($"Using {order.Length} files for {sub}.");
        }
        return new TextDataset(order.Select(i => texts[i]).ToArray(), mode is null ? null : order.Select(i => labels[i]).ToArray(),
            classes, mode, batchSize, shuffle, order.Select(i => paths[i]).ToArray(), skipped);
    }

    /// <summary>
    /// Reads text files (for prediction): each path is a file, or a folder searched recursively for .txt files in
    /// Keras's order (hidden files and folders ignored). Files that cannot be used are listed in
    /// <see cref="TextDataset.Skipped"/>, never fatal. The dataset has no labels.
    /// </summary>
    /// <param name="paths">Files and folders.</param>
    /// <param name="maxLength">Cut each text to at most this many characters; null keeps it whole.</param>
    /// <param name="batchSize">Texts per batch.</param>
    /// <example><code>var texts = TextDatasetUtils.TextDatasetFromFiles(new[] { "mail/a.txt", "inbox/" });</code></example>
    public static TextDataset TextDatasetFromFiles(IEnumerable<string> paths, int? maxLength = null, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (maxLength is int max) Check.Positive(max, nameof(maxLength));
        var texts = new List<string>();
        var files = new List<string>();
        var skipped = new List<SkippedFile>();
        foreach (var path in paths)
        {
            var candidates = Directory.Exists(path) ? TextFiles.Under(path, followLinks: false)
                : File.Exists(path) ? new[] { path }
                : throw Check.Invalid(nameof(paths), path, "existing files or folders");
            foreach (var file in candidates)
            {
                var (text, problem) = TextFiles.Read(file);
                if (text is null) skipped.Add(new SkippedFile(file, problem!));
                else { files.Add(file); texts.Add(TextFiles.Truncate(text, maxLength)); }
            }
        }
        return new TextDataset(texts, null, Array.Empty<string>(), null, batchSize, shuffle: false, files, skipped);
    }

    static string[] ClassList(string root, IReadOnlyList<string>? classNames)
    {
        if (classNames is null)
        {
            var found = Directory.EnumerateDirectories(root).Select(Path.GetFileName).Where(n => n is not null && !TextFiles.IsHidden(n))
                .Select(n => n!).Order(StringComparer.Ordinal).ToArray();
            if (found.Length == 0)
                throw Check.Invalid("directory", root, "a folder with one subfolder per class; it has no subfolders");
            return found;
        }
        var names = classNames.ToArray();
        var missing = names.Where(c => !Directory.Exists(Path.Combine(root, c))).ToArray();
        if (missing.Length > 0)
            throw Check.Invalid(nameof(classNames), names, $"names of subfolders of {root}; not found: {string.Join(", ", missing)}");
        var repeated = names.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (repeated.Length > 0) throw Check.Invalid(nameof(classNames), names, $"distinct class names; repeated: {string.Join(", ", repeated)}");
        return names;
    }
}
