using System.Text;

namespace Deepen.Data.Text;

/// <summary>
/// Lists and reads the .txt files of class folders as Keras does: folders walked recursively in ordinal path order,
/// files sorted within each folder, names starting with '.' ignored, the extension matched case-insensitively.
/// </summary>
internal static class TextFiles
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<string> Under(string folder, bool followLinks)
    {
        var folders = new List<string>();
        Walk(folder, followLinks, folders, new HashSet<string>(StringComparer.Ordinal), top: true);
        foreach (var dir in folders.Order(StringComparer.Ordinal))
            foreach (var file in Directory.EnumerateFiles(dir)
                         .Where(f => !IsHidden(Path.GetFileName(f)) && f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
                         .Order(StringComparer.Ordinal))
                yield return file;
    }

    static void Walk(string dir, bool followLinks, List<string> folders, HashSet<string> seen, bool top)
    {
        var info = new DirectoryInfo(dir);
        if (!top && info.LinkTarget is not null && !followLinks) return;
        string real = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        if (!seen.Add(real)) return;                                  // a link cycle
        folders.Add(dir);
        foreach (var sub in Directory.EnumerateDirectories(dir))
            if (!IsHidden(Path.GetFileName(sub))) Walk(sub, followLinks, folders, seen, top: false);
    }

    public static bool IsHidden(string name) => name.StartsWith('.');

    /// <summary>The file's text, or null and the reason it cannot be used.</summary>
    public static (string? Text, string? Problem) Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"unreadable ({e.Message})");
        }
        if (bytes.Length == 0) return (null, "empty");
        int offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        string text;
        try { text = StrictUtf8.GetString(bytes, offset, bytes.Length - offset); }
        catch (DecoderFallbackException e)
        {
            return (null, $"not valid UTF-8 (invalid byte at offset {e.Index + offset})");
        }
        if (text.Contains('\0')) return (null, "binary (contains NUL characters)");
        if (string.IsNullOrWhiteSpace(text)) return (null, "empty (whitespace only)");
        return (text, null);
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxLength"/> characters, never inside a surrogate pair.</summary>
    public static string Truncate(string text, int? maxLength)
    {
        if (maxLength is not int max || text.Length <= max) return text;
        if (max > 0 && char.IsHighSurrogate(text[max - 1])) max--;
        return text[..max];
    }
}
