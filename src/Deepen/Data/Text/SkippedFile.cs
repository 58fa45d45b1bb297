namespace Deepen.Data.Text;

/// <summary>A file <see cref="TextDatasetUtils.TextDatasetFromDirectory"/> left out, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">What is wrong with it, e.g. "not valid UTF-8 (invalid byte at offset 12)".</param>
public sealed record SkippedFile(string Path, string Reason);
