namespace Deepen.Data;

/// <summary>
/// The one folder walk behind training, evaluation, prediction, the audit and text datasets, in Keras's order:
/// folders recursively in ordinal path order, files sorted within each folder, names starting with '.' skipped.
/// Linked folders are followed only when asked, and every folder is visited once, by its real path, so a symlink
/// cycle (a link to a parent, or links that point at each other) can neither loop nor list a file twice.
/// </summary>
/// <example><code>foreach (var png in FileWalker.FilesUnder("photos", followLinks: true, f =&gt; f.EndsWith(".png")))
///     Console.WriteLine(png);</code></example>
public static class FileWalker
{
    /// <summary>The files under <paramref name="folder"/> that <paramref name="accept"/> takes, in walk order.</summary>
    /// <param name="folder">The folder to walk (itself may be a link).</param>
    /// <param name="followLinks">Whether to enter linked subfolders.</param>
    /// <param name="accept">Which files to list, by path.</param>
    public static IEnumerable<string> FilesUnder(string folder, bool followLinks, Func<string, bool> accept)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(accept);
        var folders = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Walk(folder, followLinks, folders, seen, top: true);
        foreach (var dir in folders.Order(StringComparer.Ordinal))
            foreach (var file in Directory.EnumerateFiles(dir).Where(f => !IsHidden(Path.GetFileName(f)) && accept(f)).Order(StringComparer.Ordinal))
                yield return file;
    }

    /// <summary>Whether a file or folder name is hidden (starts with '.'), and so skipped.</summary>
    public static bool IsHidden(string name) => name.StartsWith('.');

    static void Walk(string dir, bool followLinks, List<string> folders, HashSet<string> seen, bool top)
    {
        var info = new DirectoryInfo(dir);
        if (!top && info.LinkTarget is not null && !followLinks) return;
        if (!seen.Add(RealPath(info))) return;                         // visited already: a link cycle, or two links to one folder
        folders.Add(dir);
        foreach (var sub in Directory.EnumerateDirectories(dir))
            if (!IsHidden(Path.GetFileName(sub))) Walk(sub, followLinks, folders, seen, top: false);
    }

    /// <summary>The folder's path with every link resolved, its own and its parents'.</summary>
    static string RealPath(DirectoryInfo info)
    {
        string full = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(full));
        if (parent is null) return full;
        return Path.Combine(RealPath(new DirectoryInfo(parent)), Path.GetFileName(Path.TrimEndingDirectorySeparator(full)));
    }
}
