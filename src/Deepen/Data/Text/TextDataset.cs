using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data.Text;

/// <summary>
/// Labelled texts read by <see cref="TextDatasetUtils.TextDatasetFromDirectory"/>: the strings, their class indices,
/// the class names and the files they came from. Models whose first layer is a
/// <see cref="Layers.TextVectorization"/> train on it directly (<c>model.Fit(train, validationData: val)</c>), in
/// batches of <see cref="BatchSize"/>, reshuffled each epoch when <see cref="Shuffle"/> is set.
/// </summary>
/// <example><code>
/// var train = TextDatasetUtils.TextDatasetFromDirectory("data/train", labelMode: "binary");
/// vectorize.Adapt(train.Texts);
/// model.Fit(train, epochs: 3);
/// </code></example>
public sealed class TextDataset
{
    /// <summary>Creates a dataset from texts and optional class indices.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="labels">A class index per text (0 ≤ label &lt; number of classes), or null for none.</param>
    /// <param name="classNames">The class names in index order.</param>
    /// <param name="labelMode">How labels become targets: "int" (int64 indices), "categorical" (one-hot), "binary" (0/1 floats) or null.</param>
    /// <param name="batchSize">Texts per batch.</param>
    /// <param name="shuffle">Reshuffle the texts each epoch when training.</param>
    /// <param name="filePaths">The file of each text, if any.</param>
    /// <param name="skipped">Files that could not be used, with the reason.</param>
    public TextDataset(IReadOnlyList<string> texts, IReadOnlyList<int>? labels, IReadOnlyList<string> classNames,
        string? labelMode = "int", int batchSize = 32, bool shuffle = true, IReadOnlyList<string>? filePaths = null,
        IReadOnlyList<SkippedFile>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(classNames);
        Texts = texts;
        ClassNames = classNames;
        LabelMode = labelMode is null ? null : Check.OneOf(labelMode, nameof(labelMode), "int", "categorical", "binary");
        if (labels is not null)
        {
            if (labels.Count != texts.Count)
                throw Check.Invalid(nameof(labels), $"{labels.Count} labels", $"one label per text ({texts.Count})");
            int bad = labels.FirstOrDefault(l => l < 0 || l >= classNames.Count, -1);
            if (labels.Any(l => l < 0 || l >= classNames.Count))
                throw Check.Invalid(nameof(labels), bad, $"class indices in [0, {classNames.Count})");
        }
        else if (LabelMode is not null)
            throw Check.Invalid(nameof(labelMode), labelMode, "null when there are no labels");
        if (LabelMode == "binary" && classNames.Count != 2)
            throw Check.Invalid(nameof(labelMode), "binary", $"\"int\" or \"categorical\" for {classNames.Count} classes ({string.Join(", ", classNames)}); \"binary\" needs exactly 2 classes");
        Labels = labels;
        BatchSize = Check.Positive(batchSize, nameof(batchSize));
        Shuffle = shuffle;
        if (filePaths is not null && filePaths.Count != texts.Count)
            throw Check.Invalid(nameof(filePaths), $"{filePaths.Count} paths", $"one path per text ({texts.Count})");
        FilePaths = filePaths;
        Skipped = skipped ?? Array.Empty<SkippedFile>();
    }

    /// <summary>The texts.</summary>
    public IReadOnlyList<string> Texts { get; }
    /// <summary>The class index of each text, or null for an unlabelled dataset.</summary>
    public IReadOnlyList<int>? Labels { get; }
    /// <summary>The class names in index order (the class folders, in ordinal order unless given).</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>"int", "categorical", "binary" or null.</summary>
    public string? LabelMode { get; }
    /// <summary>Texts per batch.</summary>
    public int BatchSize { get; }
    /// <summary>Whether training reshuffles the texts each epoch.</summary>
    public bool Shuffle { get; }
    /// <summary>The file each text came from, when read from a folder.</summary>
    public IReadOnlyList<string>? FilePaths { get; }
    /// <summary>Files left out because they could not be used (unreadable, not UTF-8, empty, binary).</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; }
    /// <summary>The number of texts.</summary>
    public int Count => Texts.Count;

    /// <summary>
    /// The targets in <see cref="LabelMode"/>: int64 class indices [N] ("int"), float32 one-hot [N, classes]
    /// ("categorical") or float32 0/1 [N] ("binary").
    /// </summary>
    public Tensor LabelTensor()
    {
        if (Labels is null || LabelMode is null)
            throw new InvalidOperationException("This dataset has no labels (labelMode is null).");
        int n = Labels.Count, k = ClassNames.Count;
        switch (LabelMode)
        {
            case "categorical":
                var oneHot = new float[(long)n * k];
                for (int i = 0; i < n; i++) oneHot[(long)i * k + Labels[i]] = 1;
                return tensor(oneHot, new long[] { n, k });
            case "binary":
                return tensor(Labels.Select(l => (float)l).ToArray());
            default:
                return tensor(Labels.Select(l => (long)l).ToArray());
        }
    }
}
