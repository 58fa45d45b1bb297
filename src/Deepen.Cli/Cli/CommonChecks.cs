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

    /// <summary>
    /// Loads a model file for inference, mapping missing and unreadable files to exit codes 3 and 4. The optimizer
    /// state is left unread (no command that loads a model trains it). With <paramref name="requireFiniteWeights"/>,
    /// a model holding NaN or infinite weights (saved from a diverged run) is refused with exit code 4.
    /// </summary>
    public static Model LoadModel(string path, bool requireFiniteWeights = true)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CliException(ExitCodes.Usage, "--model needs a model file path.");
        if (!File.Exists(path)) throw new CliException(ExitCodes.NotFound, $"--model: file \"{path}\" does not exist.");
        Model model;
        try
        {
            // An ONNX file is imported as a Deepen model (Model.FromOnnx) wherever the CLI takes a model.
            model = Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase) ? Model.FromOnnx(path) : Model.Load(path, includeOptimizer: false);
        }
        catch (ModelFileException e) { throw new CliException(ExitCodes.BadInput, $"--model: {e.Message}", e); }
        catch (Deepen.Onnx.OnnxFormatException e) { throw new CliException(ExitCodes.BadInput, $"--model: {e.Message}", e); }
        if (requireFiniteWeights)
        {
            try { RequireFiniteWeights(model, path); }
            catch { model.Dispose(); throw; }
        }
        return model;
    }

    /// <summary>Refuses (exit code 4) a model with a NaN or infinite weight: its outputs would be meaningless.</summary>
    public static void RequireFiniteWeights(Model model, string path)
    {
        foreach (var layer in model.Layers)
            foreach (var w in layer.Weights)
            {
                using var finite = TorchSharp.torch.isfinite(w.Value).all();
                if (!finite.item<bool>())
                    throw new CliException(ExitCodes.BadInput, $"--model: \"{path}\" has non-finite (NaN or infinite) values in weight \"{layer.Name}/{w.Name}\"; " +
                        "it was saved from a training run that diverged. Train it again (e.g. with a lower --lr).");
            }
    }

    /// <summary>Refuses (exit code 4) outputs that are NaN or infinite, naming the first input that produced one.</summary>
    public static void RequireFiniteOutputs(TorchSharp.torch.Tensor output, IReadOnlyList<string> inputs)
    {
        using var rows = TorchSharp.torch.isfinite(output).reshape(output.shape[0], -1).all(1);
        var finite = rows.data<bool>().ToArray();
        int bad = Array.IndexOf(finite, false);
        if (bad >= 0)
            throw new CliException(ExitCodes.BadInput, $"the model's output for \"{inputs[bad]}\" is not finite (NaN or infinite); its predictions cannot be trusted.");
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
