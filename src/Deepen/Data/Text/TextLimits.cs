namespace Deepen.Data.Text;

/// <summary>
/// The largest text file and line the text pipeline reads, checked before reading (file size) and before tokenizing
/// (line length); a file over either is skipped with the reason, like any other unusable file. A 200 MB one-line file
/// would otherwise take gigabytes to tokenize. The <c>deepen</c> command reads <c>DEEPEN_MAX_TEXT_BYTES</c> and
/// <c>DEEPEN_MAX_LINE_CHARS</c>.
/// </summary>
/// <example><code>TextLimits.MaxFileBytes = 100L &lt;&lt; 20;   // read files up to 100 MiB</code></example>
public static class TextLimits
{
    /// <summary>The largest .txt file read, in bytes (default 10 MiB — a long book is about 1–3 MB).</summary>
    public static long MaxFileBytes { get; set; } = 10L << 20;

    /// <summary>The longest line of a text file, in characters (default 1,000,000).</summary>
    public static int MaxLineCharacters { get; set; } = 1_000_000;

    /// <summary>The length of the longest line of <paramref name="text"/> (lines end at '\n').</summary>
    internal static int LongestLine(string text)
    {
        int longest = 0, start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            longest = Math.Max(longest, end - start);
            start = end + 1;
        }
        return longest;
    }
}
