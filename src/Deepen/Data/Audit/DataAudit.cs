using Deepen.Data.Images;

namespace Deepen.Data.Audit;

/// <summary>
/// Finds the files a training run should not use: empty, unreadable, truncated, corrupt or non-image files;
/// images with unexpected channel counts or extreme sizes; byte-identical duplicates within a class; the same image
/// under two classes; and test images that are also in the training set. Fast: it hashes each file (SHA-256) and
/// decodes only headers (and the pixels of files whose end looks wrong, to confirm truncation).
/// </summary>
/// <example><code>
/// var report = DataAudit.Run("data/train", "data/test");
/// Console.WriteLine(report.Summary());
/// report.Save("audit.json");
/// </code></example>
public static class DataAudit
{
    /// <summary>Audits a folder of class subfolders (or, when it has none, the images directly in it).</summary>
    public static AuditReport Run(string directory, AuditOptions? options = null)
    {
        options ??= AuditOptions.Default;
        options.Validate();
        var files = ListFolder(directory, nameof(directory));
        return Audit(files, options, reference: ReferenceOf(options));
    }

    /// <summary>
    /// Audits a training folder and a test folder, each as <see cref="Run(string, AuditOptions?)"/> does, and marks
    /// test images whose content is also in the training folder as leakage.
    /// </summary>
    public static AuditReport Run(string trainDirectory, string testDirectory, AuditOptions? options = null)
    {
        options ??= AuditOptions.Default;
        options.Validate();
        var train = ListFolder(trainDirectory, nameof(trainDirectory));
        var test = ListFolder(testDirectory, nameof(testDirectory));
        var trainReport = Audit(train, options, reference: ReferenceOf(options));
        var testReport = Audit(test, options, reference: train);
        return AuditReport.Combine(new[] { trainReport, testReport });
    }

    static ImageFileList? ReferenceOf(AuditOptions options) =>
        options.ReferenceDirectory is null ? null : ListFolder(options.ReferenceDirectory, nameof(AuditOptions.ReferenceDirectory));

    internal static ImageFileList ListFolder(string directory, string argument)
    {
        var list = ClassFolders.Scan(directory, null, followLinks: false, argument);
        if (list.ClassNames.Count > 0) return list;
        var files = ClassFolders.ImagesUnder(list.Root, false).Where(f => Path.GetDirectoryName(f) == list.Root).ToArray();
        return new ImageFileList(list.Root, Array.Empty<string>(), files, files.Select(Path.GetFileName).ToArray()!, files.Select(_ => -1).ToArray());
    }

    /// <summary>Audits <paramref name="files"/>; copies of <paramref name="reference"/> files are marked leakage.</summary>
    internal static AuditReport Audit(ImageFileList files, AuditOptions options, ImageFileList? reference)
    {
        var facts = Inspect(files.Paths, options.FullDecode);
        var marks = new AuditEntry?[files.Count];
        string? ClassOf(int i) => files.Labels[i] >= 0 && files.Labels[i] < files.ClassNames.Count ? files.ClassNames[files.Labels[i]] : null;
        AuditEntry Mark(int i, AnomalyKind kind, string reason, string? related = null) => new()
        {
            Path = files.Paths[i], Kind = kind, Reason = reason, RelatedPath = related, Class = ClassOf(i), Skipped = options.Skips(kind),
        };

        for (int i = 0; i < files.Count; i++)
            if (facts[i].Problem is AnomalyKind kind) marks[i] = Mark(i, kind, facts[i].Reason!);

        for (int i = 0; i < files.Count; i++)
            if (marks[i] is null && SizeProblem(facts[i], options) is string reason) marks[i] = Mark(i, AnomalyKind.ExtremeSize, reason);

        var valid = Enumerable.Range(0, files.Count).Where(i => marks[i] is null).ToList();
        var expected = options.ExpectedChannels ?? valid.GroupBy(i => facts[i].Channels).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Take(1).Select(g => g.Key).ToArray();
        string expectedText = options.ExpectedChannels is null
            ? $"{string.Join(" or ", expected)} (the most common channel count among these images; set AuditOptions.ExpectedChannels to allow others)"
            : string.Join(" or ", expected);
        foreach (int i in valid)
            if (!expected.Contains(facts[i].Channels))
                marks[i] = Mark(i, AnomalyKind.UnexpectedChannels, $"the image has {ChannelText(facts[i].Channels)}; expected {expectedText}");

        var remaining = valid.Where(i => marks[i] is null).ToList();
        MarkCopies(files, facts, remaining, marks, Mark);

        if (reference is not null)
        {
            var refFacts = Inspect(reference.Paths, false);
            var refByHash = new Dictionary<string, string>();
            for (int r = 0; r < reference.Count; r++)
                if (refFacts[r].Problem is null && refFacts[r].Hash is string h) refByHash.TryAdd(h, reference.Paths[r]);
            foreach (int i in remaining)
                if (marks[i] is null && refByHash.TryGetValue(facts[i].Hash!, out var original))
                    marks[i] = Mark(i, AnomalyKind.Leakage, $"the same image is in the reference set {reference.Root}: {original}", original);
        }

        var entries = marks.Where(m => m is not null).Select(m => m!).OrderBy(e => e.Kind).ThenBy(e => e.Path, StringComparer.Ordinal);
        return new AuditReport(new[] { files.Root }, files.Count, entries);
    }

    static void MarkCopies(ImageFileList files, FileFacts[] facts, List<int> candidates, AuditEntry?[] marks,
        Func<int, AnomalyKind, string, string?, AuditEntry> mark)
    {
        foreach (var group in candidates.GroupBy(i => facts[i].Hash!).Where(g => g.Count() > 1))
        {
            var members = group.OrderBy(i => files.Filenames[i], StringComparer.Ordinal).ToList();
            var labels = members.Select(i => files.Labels[i]).Distinct().ToList();
            if (labels.Count > 1)
            {
                foreach (int i in members)
                {
                    int other = members.First(j => files.Labels[j] != files.Labels[i]);
                    string otherClass = files.ClassNames[files.Labels[other]];
                    marks[i] = mark(i, AnomalyKind.LabelConflict,
                        $"the same image is also under class \"{otherClass}\" ({files.Filenames[other]}); its label is ambiguous", files.Paths[other]);
                }
                continue;
            }
            int first = members[0];
            foreach (int i in members.Skip(1))
                marks[i] = mark(i, AnomalyKind.Duplicate, $"byte-identical to {files.Filenames[first]}, kept once", files.Paths[first]);
        }
    }

    static string? SizeProblem(FileFacts f, AuditOptions o)
    {
        int shortSide = Math.Min(f.Width, f.Height), longSide = Math.Max(f.Width, f.Height);
        bool bad = shortSide < o.MinSide || longSide > o.MaxSide || longSide > o.MaxAspectRatio * shortSide;
        return bad
            ? $"the image is {f.Width}x{f.Height} pixels; expected sides from {o.MinSide} to {o.MaxSide} pixels and an aspect ratio up to {o.MaxAspectRatio} (AuditOptions.MinSide, MaxSide, MaxAspectRatio)"
            : null;
    }

    static string ChannelText(int channels) => channels switch
    {
        1 => "1 channel (grayscale)",
        3 => "3 channels (RGB)",
        4 => "4 channels (with alpha)",
        _ => $"{channels} channels",
    };

    static FileFacts[] Inspect(IReadOnlyList<string> paths, bool fullDecode)
    {
        var facts = new FileFacts[paths.Count];
        Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = Backend.Cores },
            i => facts[i] = FileFacts.Of(paths[i], fullDecode));
        return facts;
    }
}
