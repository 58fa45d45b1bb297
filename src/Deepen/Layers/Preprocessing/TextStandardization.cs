using System.Text;

namespace Deepen.Layers;

/// <summary>
/// The string steps of <see cref="TextVectorization"/>: standardize, split and n-grams, with Keras's semantics.
/// </summary>
internal static class TextStandardization
{
    /// <summary>Keras's DEFAULT_STRIP_REGEX: every ASCII punctuation character.</summary>
    const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static string Standardize(string text, string? mode)
    {
        if (mode is null) return text;
        bool lower = mode is "lower" or "lower_and_strip_punctuation";
        bool strip = mode is "strip_punctuation" or "lower_and_strip_punctuation";
        if (lower) text = text.ToLowerInvariant();
        if (!strip) return text;
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
            if (Punctuation.IndexOf(c) < 0) sb.Append(c);
        return sb.ToString();
    }

    public static List<string> Split(string text, string? mode)
    {
        var tokens = new List<string>();
        switch (mode)
        {
            case null:
                tokens.Add(text);
                break;
            case "character":
                foreach (var rune in text.EnumerateRunes()) tokens.Add(rune.ToString());
                break;
            default:                                            // whitespace: runs of whitespace separate tokens
                int start = -1;
                for (int i = 0; i <= text.Length; i++)
                {
                    bool space = i == text.Length || char.IsWhiteSpace(text[i]);
                    if (!space && start < 0) start = i;
                    else if (space && start >= 0) { tokens.Add(text[start..i]); start = -1; }
                }
                break;
        }
        return tokens;
    }

    /// <summary>Keras's n-grams: all n-grams of sizes 1..<paramref name="ngrams"/>, sizes in order, joined by a space.</summary>
    public static List<string> Ngrams(List<string> tokens, int? ngrams)
    {
        if (ngrams is not int n || n <= 1) return tokens;
        var result = new List<string>(tokens.Count * n);
        for (int size = 1; size <= n; size++)
            for (int i = 0; i + size <= tokens.Count; i++)
                result.Add(size == 1 ? tokens[i] : string.Join(' ', tokens.Skip(i).Take(size)));
        return result;
    }
}
