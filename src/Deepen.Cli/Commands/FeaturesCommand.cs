using System.CommandLine;
using Deepen.Data.Images;
using Deepen.Explain;

namespace Deepen.Cli.Commands;

/// <summary>
/// <c>deepen features</c>: the feature maps a saved model's layer computes for one image, as a grid PNG
/// (<c>IMAGE-NAME.LAYER.features.png</c>), and the filters of the model's first convolution (<c>filters.png</c>).
/// </summary>
public static class FeaturesCommand
{
    /// <summary>Builds the <c>deepen features</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by deepen train or Model.Save.", Required = true };
        var image = new Argument<string>("IMAGE") { Description = "The image file." };
        var layer = new Option<string?>("--layer") { Description = "The layer whose maps to show (default: the first convolution)." };
        var output = new Option<string>("--out") { Description = "Folder for the PNGs.", DefaultValueFactory = _ => "features" };
        var command = new Command("features", "Write the feature maps of a saved model's layer for an image, and its first convolution's filters.") { model, image, layer, output };
        command.SetBody(p => Run(p.GetValue(model)!, p.GetValue(image)!, p.GetValue(layer), p.GetValue(output)!));
        return command;
    }

    static int Run(string modelPath, string imagePath, string? layerName, string outDir)
    {
        if (layerName is not null && string.IsNullOrWhiteSpace(layerName)) throw new CliException(ExitCodes.Usage, "--layer needs a layer name.");
        CommonChecks.OutputFolder(outDir, "--out");
        if (imagePath.StartsWith('-') && !File.Exists(imagePath))
            throw new CliException(ExitCodes.Usage, $"Unrecognized option '{imagePath}'. (For a file whose name starts with '-', write it as ./{imagePath}.)");
        if (!File.Exists(imagePath)) throw new CliException(ExitCodes.NotFound, $"IMAGE \"{imagePath}\" does not exist{(Directory.Exists(imagePath) ? " (it is a folder; expected an image file)" : "")}.");
        using var m = CommonChecks.LoadModel(modelPath);
        var shape = m.InputShape!;
        TorchSharp.torch.Tensor x;
        try { x = ImageLoader.Load(imagePath, new Size2(shape[0], shape[1]), CommonChecks.ColorMode(m)); }
        catch (InvalidDataException e) { throw new CliException(ExitCodes.BadInput, e.Message, e); }
        using (x)
        {
            FeatureMapGrid grid;
            try { grid = FeatureMaps.Render(m, x, layerName); }
            catch (ArgumentException e) { throw new CliException(layerName is null ? ExitCodes.BadInput : ExitCodes.Usage, (layerName is null ? "--model: " : "--layer: ") + e.Message, e); }
            Directory.CreateDirectory(outDir);
            string mapsPath = Path.Combine(outDir, $"{Path.GetFileNameWithoutExtension(imagePath)}.{grid.Layer}.features.png");
            grid.Save(mapsPath);
            Console.WriteLine($"Feature maps of {grid.Layer} ({grid.Count} of {grid.Total} channels): {Path.GetFullPath(mapsPath)}");
            try
            {
                var filters = FeatureMaps.Filters(m);
                string filtersPath = Path.Combine(outDir, "filters.png");
                filters.Save(filtersPath);
                Console.WriteLine($"Filters of {filters.Layer} ({filters.Count} of {filters.Total}): {Path.GetFullPath(filtersPath)}");
            }
            catch (ArgumentException) { /* no convolution: only the maps of the named layer */ }
        }
        return ExitCodes.Ok;
    }
}
