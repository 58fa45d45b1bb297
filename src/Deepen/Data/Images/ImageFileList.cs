namespace Deepen.Data.Images;

/// <summary>Labelled image files: full paths, names relative to the root, class index per file, and the class names.</summary>
internal sealed record ImageFileList(string Root, IReadOnlyList<string> ClassNames, IReadOnlyList<string> Paths,
    IReadOnlyList<string> Filenames, IReadOnlyList<int> Labels)
{
    public int Count => Paths.Count;

    /// <summary>The files at <paramref name="indices"/>, in that order.</summary>
    public ImageFileList Select(IEnumerable<int> indices)
    {
        var idx = indices.ToArray();
        return this with
        {
            Paths = idx.Select(i => Paths[i]).ToArray(),
            Filenames = idx.Select(i => Filenames[i]).ToArray(),
            Labels = idx.Select(i => Labels[i]).ToArray(),
        };
    }
}
