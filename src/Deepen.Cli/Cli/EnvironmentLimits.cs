using System.Globalization;
using Deepen.Data.Images;
using Deepen.Data.Text;
using Deepen.Layers;
using Deepen.Saving;

namespace Deepen.Cli;

/// <summary>
/// The resource limits <c>deepen</c> checks before allocating, raised (or lowered) by environment variables:
/// <c>DEEPEN_MAX_MODEL_BYTES</c> (a model file's uncompressed size), <c>DEEPEN_MAX_PARAMETERS</c> (a model built
/// from --model), <c>DEEPEN_MAX_IMAGE_PIXELS</c> (an image's width × height), <c>DEEPEN_MAX_TEXT_BYTES</c> and
/// <c>DEEPEN_MAX_LINE_CHARS</c> (a .txt file and its longest line).
/// </summary>
public static class EnvironmentLimits
{
    /// <summary>Each variable and the library setting it sets.</summary>
    static readonly (string Name, Action<long> Set)[] Variables =
    [
        ("DEEPEN_MAX_MODEL_BYTES", v => ModelFileLimits.MaxUncompressedBytes = v),
        ("DEEPEN_MAX_PARAMETERS", v => ParameterBudget.MaxParameters = v),
        ("DEEPEN_MAX_IMAGE_PIXELS", v => ImageLimits.MaxImagePixels = v),
        ("DEEPEN_MAX_TEXT_BYTES", v => TextLimits.MaxFileBytes = v),
        ("DEEPEN_MAX_LINE_CHARS", v => TextLimits.MaxLineCharacters = (int)Math.Min(v, Array.MaxLength)),
    ];

    /// <summary>Applies the variables that are set; a value that is not a positive integer is a usage error (exit code 2).</summary>
    public static void Apply()
    {
        foreach (var (name, set) in Variables)
        {
            if (Environment.GetEnvironmentVariable(name) is not { Length: > 0 } text) continue;
            if (!long.TryParse(text.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0)
                throw new CliException(ExitCodes.Usage, $"Invalid value for the environment variable {name}: \"{text}\". Expected a positive integer.");
            set(value);
        }
    }
}
