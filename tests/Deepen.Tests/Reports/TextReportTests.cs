using System.Text.Json;
using Deepen.Data.Text;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Reports;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Reports;

/// <summary>
/// The one <see cref="Report"/> on texts: a bag-of-words classifier learns generated spam/ham texts, and the report built
/// from a <see cref="TextDataset"/> agrees with the model's own predictions, names each sample by its file, shows the
/// top losses as snippets and writes no image figures.
/// </summary>
public sealed class TextReportTests
{
    static readonly string[] Spam = { "win", "free", "cash", "prize", "offer", "money" };
    static readonly string[] Ham = { "meeting", "lunch", "report", "tomorrow", "project", "notes" };

    static (string[] Texts, int[] Labels) Generate(int count, int seed)
    {
        var random = new Random(seed);
        var texts = new string[count];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            var words = labels[i] == 1 ? Spam : Ham;
            texts[i] = string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)])) + $"   \n\n sample {i}";
        }
        return (texts, labels);
    }

    static Model TrainedModel(string[] texts, int[] labels)
    {
        manual_seed(7);
        var vectorize = new TextVectorization(maxTokens: 64, outputMode: "multi_hot");
        vectorize.Adapt(texts);
        var model = new Sequential(new Layer[] { vectorize, new Dense(1, activation: "sigmoid") });
        model.Compile(optimizer: new Deepen.Optimizers.Adam(learningRate: 0.05), loss: "binary_crossentropy", metrics: new[] { "accuracy" });
        model.Fit(texts, labels.Select(l => (float)l).ToArray(), epochs: 20, batchSize: 16, verbose: 0);
        return model;
    }

    [Fact]
    public void ATextReportAgreesWithTheModelNamesItsFilesAndShowsSnippets()
    {
        var (trainTexts, trainLabels) = Generate(80, seed: 1);
        var model = TrainedModel(trainTexts, trainLabels);
        var (texts, labels) = Generate(30, seed: 2);
        var paths = texts.Select((_, i) => $"/data/{(labels[i] == 1 ? "spam" : "ham")}/mail{i:00}.txt").ToArray();
        var data = new TextDataset(texts, labels, new[] { "ham", "spam" }, "binary", batchSize: 7, shuffle: false, filePaths: paths);

        var report = new Report(model, null, data, new ReportOptions { TopLossCount = 4 });

        Assert.Equal(ReportKind.Texts, report.Kind);
        Assert.True(report.Accuracy >= 0.9, $"accuracy {report.Accuracy}");
        using var p = model.Predict(texts);
        var expected = p.squeeze(1).data<float>().ToArray().Select(v => v > 0.5f ? 1 : 0).ToArray();
        Assert.Equal(expected, report.Predictions);
        Assert.Equal(labels, report.Labels);
        Assert.Equal(paths.Select(p => Path.GetFileName(p)).ToArray(), report.SampleNames);
        Assert.Empty(report.Grid);
        Assert.Equal(4, report.TopLosses.Count);
        var top = report.TopLosses[0];
        Assert.Equal(report.Losses.Max(), top.Loss, 12);
        Assert.Equal($"mail{top.Index:00}.txt", top.Name);
        // Whitespace runs fold to one space in a snippet.
        Assert.Equal(string.Join(' ', texts[top.Index].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), report.SnippetOf(top.Index));

        using var dir = new TempDir();
        string index = report.Save(dir.Path);
        Assert.Equal(new[] { "confusion_matrix.png", "index.html", "report.json" },
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        var json = JsonDocument.Parse(File.ReadAllText(dir.File("report.json"))).RootElement;
        Assert.Equal("text", json.GetProperty("kind").GetString());
        var first = json.GetProperty("top_losses")[0];
        Assert.Equal(report.SnippetOf(top.Index), first.GetProperty("snippet").GetString());
        Assert.Equal(report.ClassNames[top.True], first.GetProperty("true_name").GetString());
        string html = File.ReadAllText(index);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(report.SnippetOf(top.Index)), html);
        Assert.DoesNotContain("id=\"predictions\"", html);
    }

    [Fact]
    public void ATextSnippetIsCutAtItsLength()
    {
        string text = string.Concat(Enumerable.Repeat("word ", 200));
        string snippet = Report.Snippet(text);
        Assert.EndsWith(" …", snippet);
        Assert.True(snippet.Length <= Report.SnippetLength + 2);
        Assert.Equal("a b", Report.Snippet(" a \n\t b "));
    }

    [Fact]
    public void ATextReportNeedsLabelledTexts()
    {
        var (texts, labels) = Generate(10, seed: 3);
        var model = TrainedModel(texts, labels);
        var unlabelled = new TextDataset(texts, null, new[] { "ham", "spam" }, null, shuffle: false);
        var e = Assert.Throws<ArgumentException>(() => new Report(model, null, unlabelled));
        Assert.Contains("labelled texts", e.Message);
        var positional = new Report(model, null, new TextDataset(texts, labels, new[] { "ham", "spam" }, "binary", shuffle: false));
        Assert.Null(positional.SampleNames);     // no file paths: the ids are positions, not shown as names
    }

    [Fact]
    public void AnImageReportHasNoSnippets()
    {
        using var x = rand(4, 8, 8, 1);
        using var y = tensor(new long[] { 0, 1, 0, 1 });
        var model = new Sequential(new Layer[] { new Flatten(inputShape: new Shape(8, 8, 1)), new Dense(2, activation: "softmax") });
        var report = new Report(model, null, x, y, new[] { "a", "b" });
        Assert.Equal(ReportKind.Images, report.Kind);
        Assert.Throws<InvalidOperationException>(() => report.SnippetOf(0));
    }
}
