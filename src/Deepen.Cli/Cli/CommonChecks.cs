using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Saving;

namespace Deepen.Cli;

/// <summary>Checks and loaders shared by the commands, turning failures into <see cref="CliException"/>s with exit codes.</summary>
public static class CommonChecks
{
    /// <summary>Requires an existing folder.</summary>
    public static void Directory(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CliException(ExitCodes.Usage, $"{option} needs a folder path.");
        if (!System.IO.Directory.Exists(path))
            throw new CliException(ExitCodes.NotFound, $"{option}: folder \"{path}\" does not exist{(File.Exists(path) ? " (it is a file; expected a folder of class subfolders)" : "")}.");
    }

    /// <summary>Requires a path where a folder exists or can be created (not an existing file).</summary>
    public static void OutputFolder(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CliException(ExitCodes.Usage, $"{option} needs a folder path.");
        if (File.Exists(path)) throw new CliException(ExitCodes.Usage, $"{option}: \"{path}\" is a file; expected a folder (created if missing).");
    }

    /// <summary>An optimizer by name with an optional learning rate.</summary>
    public static Optimizer Optimizer(string name, double? learningRate)
    {
        try { return OptimizerRegistry.Get(name, learningRate); }
        catch (ArgumentException e)
        { throw new CliException(ExitCodes.Usage, $"Invalid value for --optimizer: \"{name}\". Expected sgd, adam, adamw or rmsprop.", e); }
    }

    /// <summary>Loads a model file, mapping missing and unreadable files to exit codes 3 and 4.</summary>
    public static Model LoadModel(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CliException(ExitCodes.Usage, "--model needs a model file path.");
        if (!File.Exists(path)) throw new CliException(ExitCodes.NotFound, $"--model: file \"{path}\" does not exist.");
        try
        {
            // An ONNX file is imported as a Deepen model (Model.FromOnnx) wherever the CLI takes a model.
            return Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase) ? Model.FromOnnx(path) : Model.Load(path);
        }
        catch (ModelFileException e) { throw new CliException(ExitCodes.BadInput, $"--model: {e.Message}", e); }
        catch (Deepen.Onnx.OnnxFormatException e) { throw new CliException(ExitCodes.BadInput, $"--model: {e.Message}", e); }
    }

    /// <summary>The class names of a model (saved with it by <c>deepen train</c>), or "0", "1", … when it has none.</summary>
    public static IReadOnlyList<string> ClassNames(Model model)
    {
        int units = model.OutputShape![-1];
        int classes = units == 1 ? 2 : units;
        return model.ClassNames is { } names && names.Count == classes ? names
            : Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The color mode matching a model's input channels.</summary>
    public static string ColorMode(Model model) => model.InputShape![-1] switch
    {
        1 => "grayscale",
        4 => "rgba",
        _ => "rgb",
    };
}
