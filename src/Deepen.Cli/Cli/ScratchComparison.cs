using System.Globalization;
using System.Text.Json.Nodes;

namespace Deepen.Cli;

/// <summary>
/// <c>deepen train --model resnet18|minilm --compare-scratch</c>: what transfer buys. Before the pretrained model, the
/// default scratch model (the preset <c>deepen train</c> would use without <c>--model</c>: for images, at the
/// <c>--image-size</c> and <c>--color-mode</c> given; for texts, <see cref="TextModelPresets.Default"/>) is trained on the
/// same folders, split, seed and training options, with its own complete outputs in <c>--out/scratch/</c>. Both results
/// then appear side by side: a console table, the report's settings and <c>metrics.json</c>'s <c>comparison</c>.
/// </summary>
internal static class ScratchComparison
{
    /// <summary>The scratch run's folder inside <c>--out</c>.</summary>
    public const string Folder = "scratch";

    /// <summary>The scratch model of a run with options <paramref name="o"/> (the user's, before any pretrained resizing).</summary>
    public static string ModelFor(TrainOptions o) => o.Text ? TextModelPresets.Default : ModelPresets.DefaultFor(o.ImageSize).Model;

    /// <summary>The scratch run's result: its model and its metrics.json.</summary>
    public sealed record Result(string Model, JsonObject Metrics, string OutDir);

    /// <summary>Trains the scratch model into <c>--out/scratch</c> and returns its metrics.</summary>
    public static Result Run(TrainOptions o)
    {
        var s = o with
        {
            Model = ModelFor(o), OutDir = Path.Combine(o.OutDir, Folder), CompareScratch = false, FineTune = null, FineTuneEpochs = null, ModelChoice = null,
        };
        if (o.Verbose > 0)
            Console.WriteLine(o.Text
                ? $"--compare-scratch: first the scratch model {s.Model} on the same texts and split (outputs in {s.OutDir})."
                : $"--compare-scratch: first the scratch model {s.Model} on the same images and split, at {o.ImageSize.Width}x{o.ImageSize.Height} {o.ColorMode} (outputs in {s.OutDir}).");
        TrainRun.Execute(s);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(s.OutDir, "metrics.json")))!.AsObject();
        if (o.Verbose > 0) Console.WriteLine($"--compare-scratch: {s.Model} done; now the pretrained model {o.Model}.");
        return new Result(s.Model, metrics, s.OutDir);
    }

    /// <summary>The scratch model's results, as rows of the report's settings.</summary>
    public static void AddSettings(IDictionary<string, string> settings, Result scratch)
    {
        var (set, accuracy, loss) = Scores(scratch.Metrics);
        settings["compared with (--compare-scratch)"] = $"{scratch.Model} trained from scratch on the same data (outputs in {scratch.OutDir})";
        settings[$"{scratch.Model}: {set} accuracy"] = Percent(accuracy);
        settings[$"{scratch.Model}: {set} loss"] = Number(loss);
        settings[$"{scratch.Model}: training time"] = Number(scratch.Metrics["seconds"]?.GetValue<double>(), "0.0") + " s";
    }

    /// <summary>Adds <c>comparison</c> to the pretrained run's metrics.json and prints both runs side by side.</summary>
    public static void Record(JsonObject metrics, Result scratch, int verbose)
    {
        var rows = new (string Model, string Kind, JsonObject Metrics)[] { (metrics["model"]!.GetValue<string>(), "pretrained", metrics), (scratch.Model, "scratch", scratch.Metrics) };
        var comparison = new JsonArray();
        foreach (var (model, kind, m) in rows)
        {
            var (set, accuracy, loss) = Scores(m);
            comparison.Add(new JsonObject
            {
                ["model"] = model, ["kind"] = kind, ["evaluated_on"] = set, ["accuracy"] = accuracy, ["loss"] = loss,
                ["seconds"] = m["seconds"]?.GetValue<double>(), ["outputs"] = kind == "scratch" ? scratch.OutDir : ".",
            });
        }
        metrics["comparison"] = comparison;
        if (verbose <= 0) return;
        Console.WriteLine();
        Console.WriteLine($"{"model",-12} {"kind",-11} {"evaluated on",-15} {"accuracy",9} {"loss",8} {"train s",8}");
        foreach (var row in comparison)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row!["model"]!.GetValue<string>(),-12} {row["kind"]!.GetValue<string>(),-11} {row["evaluated_on"]!.GetValue<string>(),-15} {Percent(row["accuracy"]?.GetValue<double>()),9} {Number(row["loss"]?.GetValue<double>()),8} {Number(row["seconds"]?.GetValue<double>(), "0.0"),8}"));
    }

    /// <summary>The set a run was scored on (test, else validation, else the report's training-set pass) and its accuracy and loss.</summary>
    static (string Set, double? Accuracy, double? Loss) Scores(JsonObject m)
    {
        foreach (var set in new[] { "test", "validation" })
            if (m[set] is JsonObject s) return (set, s["accuracy"]?.GetValue<double>(), s["loss"]?.GetValue<double>());
        return ("training set", m["report_accuracy"]?.GetValue<double>(), null);
    }

    static string Percent(double? v) => v is double x ? (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    static string Number(double? v, string format = "0.0000") => v is double x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
}
