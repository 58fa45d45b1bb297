using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Deepen.Data;
using Deepen.Data.Images;
using static TorchSharp.torch;

namespace Deepen.Cli.Commands;

/// <summary><c>deepen predict</c>: class, probability and top-k classes for image files or folders of images.</summary>
public static class PredictCommand
{
    /// <summary>Builds the <c>deepen predict</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by deepen train or Model.Save.", Required = true };
        var paths = new Argument<string[]>("PATH") { Description = "Image files, or folders searched recursively for images (for text models: text files, or folders searched for .txt files).", Arity = ArgumentArity.OneOrMore };
        var topK = new Option<int>("--top-k") { Description = "How many most likely classes to list.", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print JSON (one object with a \"predictions\" array)." };
        var csv = new Option<bool>("--csv") { Description = "Print CSV: path,class,probability,top_k." };
        var command = new Command("predict", "Predict the class of images (or texts, with a text model) with a saved model.") { model, paths, topK, json, csv };
        command.SetBody(p => Run(p.GetValue(model)!, p.GetValue(paths)!, p.GetValue(topK), p.GetValue(json), p.GetValue(csv)));
        return command;
    }

    internal sealed record Prediction(string Path, string? Class, double Probability, (string Class, double Probability)[] Top, string? Error);

    static int Run(string modelPath, string[] inputs, int topK, bool json, bool csv)
    {
        if (topK <= 0) throw new CliException(ExitCodes.Usage, $"Invalid value for --top-k: {topK}. Expected a positive integer.");
        if (json && csv) throw new CliException(ExitCodes.Usage, "Give either --json or --csv, not both.");
        if (TextPredict.TryRun(modelPath, inputs, topK, json, csv) is int textResult) return textResult;   // a text model: .txt files
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(Data.FileWalker.FilesUnder(input, followLinks: true, ImageLoader.IsImagePath));   // each folder once: link cycles cut
            else if (File.Exists(input)) files.Add(input);
            else if (input.StartsWith('-'))         // System.CommandLine hands unknown options to PATH, which takes any token
                throw new CliException(ExitCodes.Usage, $"Unrecognized option '{input}'. (To predict a file whose name starts with '-', write it as ./{input}.)");
            else throw new CliException(ExitCodes.NotFound, $"PATH \"{input}\" is neither a file nor a folder.");
        }
        if (files.Count == 0) throw new CliException(ExitCodes.BadInput, $"No image files found in {string.Join(", ", inputs)}.");

        using var m = CommonChecks.LoadModel(modelPath);
        var names = CommonChecks.ClassNames(m);
        var shape = m.InputShape!;
        string colorMode = CommonChecks.ColorMode(m);
        var predictions = new Prediction[files.Count];     // in the order of files
        const int batch = 32;
        for (int start = 0; start < files.Count; start += batch)
        {
            var images = new List<Tensor>();
            var loaded = new List<int>();
            for (int f = start; f < Math.Min(start + batch, files.Count); f++)
            {
                try { images.Add(ImageLoader.Load(files[f], new Size2(shape[0], shape[1]), colorMode)); loaded.Add(f); }
                catch (InvalidDataException e)
                { predictions[f] = new Prediction(files[f], null, double.NaN, Array.Empty<(string, double)>(), e.Message); }
            }
            if (loaded.Count == 0) continue;
            using var x = stack(images);
            images.ForEach(t => t.Dispose());
            using var batchPredictions = m.GetPredictions(new TensorBatchSource(x, batchSize: (int)x.shape[0]), withLoss: false);
            CommonChecks.RequireFiniteOutputs(batchPredictions.Outputs[0], loaded.Select(i => files[i]).ToArray());
            using var probs = batchPredictions.ClassProbabilities();
            var values = probs.data<float>().ToArray();
            int k = names.Count;
            for (int i = 0; i < loaded.Count; i++)
            {
                var top = Enumerable.Range(0, k).Select(c => (Class: names[c], Probability: (double)values[i * k + c]))
                    .OrderByDescending(t => t.Probability).Take(Math.Min(topK, k)).ToArray();
                predictions[loaded[i]] = new Prediction(files[loaded[i]], top[0].Class, top[0].Probability, top, null);
            }
        }
        var results = predictions.ToList();
        Print(results, json, csv);
        if (results.Any(r => r.Error is null)) return ExitCodes.Ok;
        Console.Error.WriteLine($"error: none of the {results.Count} image file(s) could be loaded.");
        return ExitCodes.BadInput;
    }

    internal static void Print(List<Prediction> results, bool json, bool csv)
    {
        if (json)
        {
            var array = new JsonArray(results.Select(r => (JsonNode?)new JsonObject
            {
                ["path"] = r.Path,
                ["class"] = r.Class,
                ["probability"] = r.Error is null ? Math.Round(r.Probability, 6) : null,
                ["top_k"] = new JsonArray(r.Top.Select(t => (JsonNode?)new JsonObject { ["class"] = t.Class, ["probability"] = Math.Round(t.Probability, 6) }).ToArray()),
                ["error"] = r.Error,
            }).ToArray());
            Console.WriteLine(new JsonObject { ["predictions"] = array }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        if (csv)
        {
            Console.WriteLine("path,class,probability,top_k,error");
            foreach (var r in results)
                Console.WriteLine(string.Join(",", Csv(r.Path), Csv(r.Class ?? ""), r.Error is null ? r.Probability.ToString("F6", CultureInfo.InvariantCulture) : "",
                    Csv(string.Join(";", r.Top.Select(t => $"{t.Class}:{t.Probability.ToString("F4", CultureInfo.InvariantCulture)}"))), Csv(r.Error ?? "")));
            return;
        }
        foreach (var r in results)
            Console.WriteLine(r.Error is not null ? $"{r.Path}: error: {r.Error}"
                : $"{r.Path}: {r.Class} ({r.Probability:P1})  top-{r.Top.Length}: {string.Join(", ", r.Top.Select(t => $"{t.Class} {t.Probability:P1}"))}");
    }

    static string Csv(string s) => s.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
