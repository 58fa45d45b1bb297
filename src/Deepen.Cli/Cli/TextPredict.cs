using Deepen.Cli.Commands;
using Deepen.Data.Text;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Cli;

/// <summary>
/// <c>deepen predict</c> with a text model (one that starts with a TextVectorization or another text input layer, e.g. a pretrained model's WordPiece tokenizer): classifies text files, or the
/// .txt files of folders, printing the class, its probability and the top-k classes like image predictions.
/// </summary>
public static class TextPredict
{
    /// <summary>
    /// Runs the prediction when <paramref name="modelPath"/> is a loadable text model; null otherwise (the image
    /// path then handles the model, and its errors).
    /// </summary>
    public static int? TryRun(string modelPath, string[] inputs, int topK, bool json, bool csv)
    {
        if (string.IsNullOrWhiteSpace(modelPath) || !File.Exists(modelPath)) return null;
        Model model;
        try { model = Model.Load(modelPath, compile: false, includeOptimizer: false); }
        catch (Exception e) when (e is Saving.ModelFileException or IOException or InvalidDataException) { return null; }
        using (model)
        {
            if (model.Layers.Count == 0 || model.Layers[0] is not Layers.ITextInput) return null;
            CommonChecks.RequireFiniteWeights(model, modelPath);
            foreach (var input in inputs)
            {
                if (Directory.Exists(input) || File.Exists(input)) continue;
                if (input.StartsWith('-'))
                    throw new CliException(ExitCodes.Usage, $"Unrecognized option '{input}'. (To predict a file whose name starts with '-', write it as ./{input}.)");
                throw new CliException(ExitCodes.NotFound, $"PATH \"{input}\" is neither a file nor a folder.");
            }
            var data = TextDatasetUtils.TextDatasetFromFiles(inputs);
            if (data.Count == 0 && data.Skipped.Count == 0)
                throw new CliException(ExitCodes.BadInput, $"No text files found in {string.Join(", ", inputs)} (folders are searched for .txt files).");
            var names = CommonChecks.ClassNames(model);
            var results = new List<PredictCommand.Prediction>();
            var byPath = new Dictionary<string, PredictCommand.Prediction>();
            if (data.Count > 0)
            {
                using var predictions = model.GetPredictions(data, withLoss: false);
                CommonChecks.RequireFiniteOutputs(predictions.Outputs[0], data.FilePaths!);
                using var probs = predictions.ClassProbabilities();
                var values = probs.data<float>().ToArray();
                int k = names.Count;
                for (int i = 0; i < data.Count; i++)
                {
                    var top = Enumerable.Range(0, k).Select(c => (Class: names[c], Probability: (double)values[i * k + c]))
                        .OrderByDescending(t => t.Probability).Take(Math.Min(topK, k)).ToArray();
                    byPath[data.FilePaths![i]] = new PredictCommand.Prediction(data.FilePaths[i], top[0].Class, top[0].Probability, top, null);
                }
            }
            foreach (var s in data.Skipped)
                byPath[s.Path] = new PredictCommand.Prediction(s.Path, null, double.NaN, Array.Empty<(string, double)>(), s.Reason);
            // Report in the order the files were found (files as given, folders in Keras's walk order).
            var order = data.FilePaths!.Concat(data.Skipped.Select(s => s.Path)).ToList();
            var ordered = OrderAsGiven(inputs, order);
            results.AddRange(ordered.Select(p => byPath[p]));
            PredictCommand.Print(results, json, csv);
            if (results.Any(r => r.Error is null)) return ExitCodes.Ok;
            Console.Error.WriteLine($"error: none of the {results.Count} text file(s) could be used.");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>The paths grouped by the input that found them, in input order, each group in walk order.</summary>
    static List<string> OrderAsGiven(string[] inputs, List<string> paths)
    {
        var rank = new Dictionary<string, (int Input, string Path)>();
        foreach (var p in paths)
        {
            int i = Array.FindIndex(inputs, input => p == input || (Directory.Exists(input) && p.StartsWith(Path.TrimEndingDirectorySeparator(input) + Path.DirectorySeparatorChar, StringComparison.Ordinal)));
            rank[p] = (i < 0 ? int.MaxValue : i, p);
        }
        return paths.OrderBy(p => rank[p].Input).ThenBy(p => p, StringComparer.Ordinal).ToList();
    }
}
