using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deepen.Data.Images;
using Deepen.Explain;
using Deepen.Models;
using SkiaSharp;
using static TorchSharp.torch;

namespace Deepen.Cli.Commands;

/// <summary>
/// <c>deepen explain</c>: where a saved model looks in each image (Grad-CAM, Grad-CAM++, Score-CAM, saliency or
/// SmoothGrad), written as overlay PNGs over the original images, with the deletion/insertion faithfulness scores.
/// </summary>
/// <remarks>
/// <c>--json</c> prints one object: <c>{"method", "layer", "images": [{"path", "width", "height", "predicted_class",
/// "probability", "target_class", "target_probability", "method", "layer", "peak_x", "peak_y", "deletion":
/// {"explanation", "random"}, "insertion": {"explanation", "random"}, "overlay"}]}</c>. <c>width</c>/<c>height</c> are
/// the original image's; <c>peak_x</c>/<c>peak_y</c> are the heatmap's peak (column, row) in those pixels (the heatmap
/// resized from the model's input to the original size). <c>deletion</c> holds the areas under the target-class
/// probability as pixels are set to 0 most relevant first (<c>explanation</c>) and in random order (<c>random</c>) —
/// lower is better; <c>insertion</c> the reverse (higher is better). <c>overlay</c> is the written PNG's path, or null.
/// </remarks>
public static class ExplainCommand
{
    /// <summary>Builds the <c>deepen explain</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by deepen train or Model.Save.", Required = true };
        var images = new Argument<string[]>("IMAGE") { Description = "Image files to explain.", Arity = ArgumentArity.OneOrMore };
        var method = new Option<string>("--method") { Description = "gradcam, gradcam++, scorecam, saliency or smoothgrad.", DefaultValueFactory = _ => "gradcam" };
        var layer = new Option<string?>("--layer") { Description = "The layer the CAM methods weigh (default: the last convolution block; saliency and smoothgrad use none)." };
        var cls = new Option<string?>("--class") { Description = "The class to explain, by name or index (default: the predicted class)." };
        var output = new Option<string>("--out") { Description = "Folder for the overlay PNGs (IMAGE-NAME.METHOD.png).", DefaultValueFactory = _ => "explain" };
        var json = new Option<bool>("--json") { Description = "Print JSON: predicted class, probability, peak_x, peak_y, deletion and insertion scores per image." };
        var command = new Command("explain", "Show where a saved model looks in images (heatmap overlays) and how faithful that is.") { model, images, method, layer, cls, output, json };
        command.SetBody(p =>
        {
            // Progress and warnings go to stderr while running, so that stdout holds only the JSON.
            var (code, document) = EvaluationData.WithOutputOnStderr(p.GetValue(json), () =>
                Run(p.GetValue(model)!, p.GetValue(images)!, p.GetValue(method)!, p.GetValue(layer), p.GetValue(cls), p.GetValue(output)!, p.GetValue(json)));
            if (document is not null) Console.WriteLine(document);
            return code;
        });
        return command;
    }

    static (int Code, string? Json) Run(string modelPath, string[] paths, string methodName, string? layerName, string? className, string outDir, bool json)
    {
        string method = methodName.ToLowerInvariant();
        if (!Explainer.Methods.Contains(method))
            throw new CliException(ExitCodes.Usage, $"Invalid value for --method: \"{methodName}\". Expected one of {string.Join(", ", Explainer.Methods)}.");
        if (layerName is not null && string.IsNullOrWhiteSpace(layerName)) throw new CliException(ExitCodes.Usage, "--layer needs a layer name.");
        CommonChecks.OutputFolder(outDir, "--out");
        foreach (var path in paths)
        {
            if (path.StartsWith('-') && !File.Exists(path))
                throw new CliException(ExitCodes.Usage, $"Unrecognized option '{path}'. (To explain a file whose name starts with '-', write it as ./{path}.)");
            if (Directory.Exists(path)) throw new CliException(ExitCodes.Usage, $"IMAGE \"{path}\" is a folder; expected image files.");
            if (!File.Exists(path)) throw new CliException(ExitCodes.NotFound, $"IMAGE \"{path}\" does not exist.");
        }
        using var m = CommonChecks.LoadModel(modelPath);
        var explainer = CreateExplainer(method, m, layerName);
        int? target = className is null ? null : TargetIndex(explainer, className);
        var shape = m.InputShape!;
        string colorMode = CommonChecks.ColorMode(m);
        var results = new JsonArray();
        int failures = 0;
        Directory.CreateDirectory(outDir);
        foreach (var path in paths)
        {
            var (originalH, originalW) = ImageSize(path);
            Tensor input, original;
            try
            {
                input = ImageLoader.Load(path, new Size2(shape[0], shape[1]), colorMode);
                original = ImageLoader.Load(path, new Size2(originalH, originalW), colorMode);
            }
            catch (InvalidDataException e)
            {
                failures++;
                Console.Error.WriteLine($"error: {e.Message}");
                results.Add(new JsonObject { ["path"] = path, ["error"] = e.Message });
                continue;
            }
            using (input)
            using (original)
            using (var e = explainer.Explain(input, target))
            {
                var (peakX, peakY) = e.PeakAt(originalH, originalW);
                string overlay = Path.Combine(outDir, $"{Path.GetFileNameWithoutExtension(path)}.{FileSafe(method)}.png");
                e.SaveOverlay(overlay, original);
                var f = e.Faithfulness!;
                results.Add(new JsonObject
                {
                    ["path"] = path,
                    ["width"] = originalW,
                    ["height"] = originalH,
                    ["predicted_class"] = e.PredictedName,
                    ["probability"] = Math.Round(e.Probability, 6),
                    ["target_class"] = e.TargetName,
                    ["target_probability"] = Math.Round(e.TargetProbability, 6),
                    ["method"] = e.Method,
                    ["layer"] = e.Layer,
                    ["peak_x"] = peakX,
                    ["peak_y"] = peakY,
                    ["deletion"] = new JsonObject { ["explanation"] = Math.Round(f.Deletion.Auc, 6), ["random"] = Math.Round(f.RandomDeletion.Auc, 6) },
                    ["insertion"] = new JsonObject { ["explanation"] = Math.Round(f.Insertion.Auc, 6), ["random"] = Math.Round(f.RandomInsertion.Auc, 6) },
                    ["overlay"] = Path.GetFullPath(overlay),
                });
                if (!json)
                    Console.WriteLine($"{path}: {e.PredictedName} ({e.Probability:P1}); {e.Method} of {e.TargetName}{(e.Layer is null ? "" : $" at {e.Layer}")}: peak at x={peakX}, y={peakY}; "
                        + $"deletion AUC {f.Deletion.Auc:F3} (random {f.RandomDeletion.Auc:F3}), insertion AUC {f.Insertion.Auc:F3} (random {f.RandomInsertion.Auc:F3}) -> {overlay}");
            }
        }
        string? document = json
            ? new JsonObject { ["method"] = explainer.Method, ["layer"] = explainer.Layer?.Name, ["images"] = results }.ToJsonString(new JsonSerializerOptions { WriteIndented = true })
            : null;
        if (failures == paths.Length)
        {
            Console.Error.WriteLine($"error: none of the {paths.Length} image file(s) could be loaded.");
            return (ExitCodes.BadInput, document);
        }
        return (ExitCodes.Ok, document);
    }

    internal static Explainer CreateExplainer(string method, Model model, string? layer)
    {
        try { return Explainer.Create(method, model, new ExplainOptions { Layer = layer }); }
        catch (ArgumentException e) { throw new CliException(layer is null ? ExitCodes.BadInput : ExitCodes.Usage, (layer is null ? "--model: " : "--layer: ") + e.Message, e); }
    }

    static int TargetIndex(Explainer explainer, string name)
    {
        try { return explainer.ClassIndex(name); }
        catch (ArgumentException e)
        { throw new CliException(ExitCodes.Usage, $"Invalid value for --class: \"{name}\". {e.Message.Split("Expected ", 2).Last().Split(". Received", 2)[0].Replace("one of", "Expected one of")}", e); }
    }

    internal static (int Height, int Width) ImageSize(string path)
    {
        using var codec = SKCodec.Create(path);
        if (codec is null) return (1, 1);           // not decodable: ImageLoader reports why
        return (codec.Info.Height, codec.Info.Width);
    }

    static string FileSafe(string method) => method.Replace("++", "pp");
}
