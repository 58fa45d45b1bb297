using Deepen.Data.Images;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Reports;
using Deepen.Tests.Data;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Reports;

/// <summary>
/// Samples carry ids: a file that passes the audit but fails to decode in the middle of the evaluation is left out
/// of its batch, and the report's names still match its predictions — from one pass over the images.
/// </summary>
public class ReportSampleIdsTests
{
    [Fact]
    public void DecodeFailureMidEvaluationGivesMatchingNamesInOnePass()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 6; i++)
        {
            TestImages.Png(dir.File($"data/a/{i}.png"), 12, 12, TestImages.Pattern(i));
            TestImages.Png(dir.File($"data/b/{i}.png"), 12, 12, TestImages.Pattern(40 + i));
        }
        var flow = new ImageDataGenerator(rescale: 1 / 255.0).FlowFromDirectory(dir.File("data"), targetSize: (12, 12), classMode: "sparse",
            batchSize: 4, shuffle: false, auditReport: null, verbose: false);
        Assert.Equal(12, flow.Samples);
        // After the audit, a/5.png (in the middle of the second batch) is truncated: it fails only when decoded.
        var bytes = File.ReadAllBytes(dir.File("data/a/5.png"));
        File.WriteAllBytes(dir.File("data/a/5.png"), bytes[..(bytes.Length / 3)]);

        Backend.SetRandomSeed(3);
        var model = new Sequential(new Conv2D(4, 3, activation: "relu", inputShape: (12, 12, 3)), new GlobalAveragePooling2D(),
            new Dense(2, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        Report report = null!;
        TestImages.Console(() => report = new Report(model, null, flow, ["a", "b"], new ReportOptions { Evaluate = true }));

        Assert.Equal(12, flow.DecodeAttempts);                                  // one pass: every file decoded once
        var expectedNames = flow.Filenames.Where(n => n.Replace('\\', '/') != "a/5.png").ToArray();
        Assert.Equal(11, report.Count);
        Assert.Equal(expectedNames, report.SampleNames!);
        Assert.Equal(Enumerable.Range(0, 12).Where(i => i != 5).Select(i => i < 6 ? 0 : 1), report.Labels);

        // Each named sample's probabilities are the model's for that very file (predicted alone, from a clean folder).
        File.Delete(dir.File("data/a/5.png"));
        var clean = new ImageDataGenerator(rescale: 1 / 255.0).FlowFromDirectory(dir.File("data"), targetSize: (12, 12), classMode: "sparse",
            batchSize: 5, shuffle: false, auditReport: null, verbose: false);
        Assert.Equal(expectedNames, clean.Filenames);
        using var p = model.Predict(clean);
        var values = TestData.Values(p);
        for (int i = 0; i < 11; i++)
        {
            Assert.Equal(values[2 * i], report.Probabilities(i)[0], 5);
            Assert.Equal(values[2 * i + 1], report.Probabilities(i)[1], 5);
        }
        // The compiled loss and metrics came from the same pass.
        Assert.Equal(report.Accuracy, report.Scores!["accuracy"], 6);
        Assert.Equal(report.Loss, report.Scores["loss"], 4);
    }
}
