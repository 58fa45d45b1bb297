using System.Text;

namespace Deepen.Data.Text;

/// <summary>
/// Lists and reads the .txt files of class folders as Keras does: folders walked recursively in ordinal path order,
/// files sorted within each folder, names starting with '.' ignored, the extension matched case-insensitively.
/// </summary>
internal static class TextFiles
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<string> Under(string folder, bool followLinks) =>
        Images.ClassFolders.FilesUnder(folder, followLinks, f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase));

    public static bool IsHidden(string name) => Images.ClassFolders.IsHidden(name);

    /// <summary>The file's text, or null and the reason it cannot be used.</summary>
    public static (string? Text, string? Problem) Read(string path)
    {
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > TextLimits.MaxFileBytes)
                return (null, FormattableString.Invariant($"too large ({length:N0} bytes; the limit is {TextLimits.MaxFileBytes:N0}, TextLimits.MaxFileBytes or DEEPEN_MAX_TEXT_BYTES)"));
            bytes = File.ReadAllBytes(path);
        }
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
        if (TextLimits.LongestLine(text) is int line && line > TextLimits.MaxLineCharacters)
            return (null, FormattableString.Invariant($"a line of {line:N0} characters, longer than the limit of {TextLimits.MaxLineCharacters:N0} (TextLimits.MaxLineCharacters or DEEPEN_MAX_LINE_CHARS)"));
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
