using Deepen.Data.Images;
using Deepen.Data.Text;

namespace Deepen.Cli;

/// <summary>What the data says before training: <c>--strict</c> for text, and classes left with no usable file.</summary>
public static class DataWarnings
{
    /// <summary>
    /// Text training: with <c>--strict</c>, any skipped file fails the run (exit code 4) as the image audit does;
    /// otherwise a class of <c>--train</c> left with no usable text is named, and fails the run (a class the model could
    /// never learn).
    /// </summary>
    public static void CheckText(TrainOptions o, TextDataset train, TextDataset? validation, TextDataset? test)
    {
        if (o.Strict)
        {
            var skipped = train.Skipped.Concat(validation?.Skipped ?? []).Concat(test?.Skipped ?? []).DistinctBy(s => s.Path).ToList();
            if (skipped.Count > 0)
                throw new CliException(ExitCodes.BadInput, $"--strict: {skipped.Count} text file(s) cannot be used: " +
                    string.Join("; ", skipped.Take(5).Select(s => $"{s.Path}: {s.Reason}")) + (skipped.Count > 5 ? "; …" : "") +
                    ". Fix or remove them, or run without --strict to skip them.");
        }
        if (train.Labels is { } labels)
        {
            var empty = Enumerable.Range(0, train.ClassNames.Count).Where(c => !labels.Contains(c)).Select(c => train.ClassNames[c]).ToList();
            if (empty.Count > 0)
                throw new CliException(ExitCodes.BadInput, $"--train \"{o.TrainDir}\": class folder(s) {string.Join(", ", empty.Select(n => $"\"{n}\""))} " +
                    "hold no usable .txt file (see the skipped files above); remove the folder(s) or add texts.");
        }
    }

    /// <summary>
    /// Image training: the class folders of <paramref name="train"/> left with no usable image (empty, or every file
    /// skipped by the audit) are named on stderr and dropped, so they do not become classes the model can never
    /// predict. Returns the classes to keep, or null when every class has images.
    /// </summary>
    public static IReadOnlyList<string>? ClassesWithImages(DirectoryIterator train, string folder)
    {
        var counts = new int[train.NumClasses];
        foreach (int label in train.Classes) counts[label]++;
        var empty = Enumerable.Range(0, counts.Length).Where(c => counts[c] == 0).ToList();
        if (empty.Count == 0) return null;
        foreach (int c in empty)
            Console.Error.WriteLine($"warning: class folder \"{train.ClassNames[c]}\" in --train \"{folder}\" has no usable image (see audit.json); it is not a class of this model.");
        var kept = Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0).Select(c => train.ClassNames[c]).ToList();
        if (kept.Count < 2)
            throw new CliException(ExitCodes.BadInput, $"--train \"{folder}\" has {kept.Count} class folder(s) with usable images; a classifier needs at least 2 (see audit.json for what was skipped).");
        return kept;
    }
}
