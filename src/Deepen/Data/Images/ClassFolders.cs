using Deepen.Utils;

namespace Deepen.Data.Images;

/// <summary>
/// Lists a folder of class subfolders as Keras does: classes are the subfolders in ordinal (byte) order unless a
/// list is given; each class's images are found recursively, folders in ordinal path order and files sorted
/// within each folder; names starting with '.' (hidden files and folders) are ignored, and so are files whose
/// extension is not jpg, jpeg, png, bmp, gif or webp.
/// </summary>
internal static class ClassFolders
{
    public static ImageFileList Scan(string directory, IReadOnlyList<string>? classes, bool followLinks, string argument = "directory")
    {
        ArgumentNullException.ThrowIfNull(directory, argument);
        if (!Directory.Exists(directory))
            throw Check.Invalid(argument, directory, "an existing folder with one subfolder per class");
        string root = Path.GetFullPath(directory);
        var classNames = classes?.ToArray() ?? Directory.EnumerateDirectories(root)
            .Select(Path.GetFileName).Where(n => n is not null && !IsHidden(n)).Select(n => n!)
            .Order(StringComparer.Ordinal).ToArray();
        if (classes is not null)
        {
            var missing = classNames.Where(c => !Directory.Exists(Path.Combine(root, c))).ToArray();
            if (missing.Length > 0)
                throw Check.Invalid("classes", classes, $"names of subfolders of {root}; not found: {string.Join(", ", missing)}");
            var repeated = classNames.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
            if (repeated.Length > 0) throw Check.Invalid("classes", classes, $"distinct class names; repeated: {string.Join(", ", repeated)}");
        }
        var paths = new List<string>();
        var names = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classNames.Length; c++)
            foreach (var file in ImagesUnder(Path.Combine(root, classNames[c]), followLinks))
            {
                paths.Add(file);
                names.Add(Path.GetRelativePath(root, file));
                labels.Add(c);
            }
        return new ImageFileList(root, classNames, paths, names, labels);
    }

    /// <summary>Image files under <paramref name="folder"/> (recursively), in Keras's walk order.</summary>
    public static IEnumerable<string> ImagesUnder(string folder, bool followLinks) =>
        FilesUnder(folder, followLinks, ImageFormats.HasImageExtension);

    /// <summary>The files under <paramref name="folder"/> that <paramref name="accept"/> takes (see <see cref="FileWalker"/>).</summary>
    internal static IEnumerable<string> FilesUnder(string folder, bool followLinks, Func<string, bool> accept) =>
        FileWalker.FilesUnder(folder, followLinks, accept);

    internal static bool IsHidden(string name) => FileWalker.IsHidden(name);
}
