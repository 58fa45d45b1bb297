using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Reports;
using static TorchSharp.torch;

namespace Deepen.Tests.Reports;

/// <summary>Mistakes a person can make with a report, each answered by an error that names the argument, the value and what was expected.</summary>
public class ReportErrorTests
{
    static Model ThreeClassModel() => new Sequential(new Flatten(inputShape: (8, 8, 1)), new Dense(3, "softmax"));
    static Model SigmoidModel() => new Sequential(new Flatten(inputShape: (8, 8, 1)), new Dense(1, "sigmoid"));

    [Fact]
    public void ClassNameCountMustMatchTheModelOutputs()
    {
        var (x, y) = ReportTestData.Shapes(6, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new Report(ThreeClassModel(), null, x, y, ["a", "b"]));
        Assert.Equal("classNames", e.ParamName);
        Assert.Contains("Invalid value received for argument `classNames`", e.Message);
        Assert.Contains("Expected 3 names, one per model output (output shape (None, 3)); got 2", e.Message);
        Assert.Contains("Received: classNames=[\"a\", \"b\"]", e.Message);
    }

    [Fact]
    public void SigmoidModelNeedsTwoClassNames()
    {
        var (x, _) = ReportTestData.Shapes(6, seed: 1);
        using var y = zeros(6, 1);
        var e = Assert.Throws<ArgumentException>(() => new Report(SigmoidModel(), null, x, y, ["a", "b", "c"]));
        Assert.Equal("classNames", e.ParamName);
        Assert.Contains("Expected 2 names (for label 0 and label 1) because the model has one sigmoid output; got 3", e.Message);
    }

    [Fact]
    public void EmptyClassNamesAreRejected()
    {
        var (x, y) = ReportTestData.Shapes(6, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new Report(ThreeClassModel(), null, x, y, ["a", "", "c"]));
        Assert.Equal("classNames", e.ParamName);
        Assert.Contains("one non-empty name per class", e.Message);
    }

    [Fact]
    public void EmptyDataIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Report(ThreeClassModel(), null, new EmptySource(), ["a", "b", "c"]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("Expected at least one evaluation image with its label", e.Message);
        Assert.Contains("Received: a batch source that yielded no samples.", e.Message);
    }

    [Fact]
    public void EmptyTensorsAreRejected()
    {
        using var x = zeros(0, 8, 8, 1);
        using var y = zeros(0, ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => new Report(ThreeClassModel(), null, x, y, ["a", "b", "c"]));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("at least one sample", e.Message);
    }

    [Fact]
    public void NonImageInputsAreRejected()
    {
        var model = new Sequential(new Dense(3, "softmax", inputShape: 64));
        using var x = zeros(10, 64);
        using var y = zeros(10, ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => new Report(model, null, x, y, ["a", "b", "c"]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("Expected images in Keras layout (batch, height, width, channels) with 1 (grey), 3 (RGB) or 4 (RGBA) channels", e.Message);
        Assert.Contains("Received: inputs X of shape (10, 64).", e.Message);
    }

    [Fact]
    public void ImagesWithTwoChannelsAreRejected()
    {
        var model = new Sequential(new Flatten(inputShape: (8, 8, 2)), new Dense(3, "softmax"));
        using var x = zeros(4, 8, 8, 2);
        using var y = zeros(4, ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => new Report(model, null, x, y, ["a", "b", "c"]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("inputs X of shape (4, 8, 8, 2)", e.Message);
    }

    [Fact]
    public void LabelsOutsideTheClassesAreRejected()
    {
        var (x, _) = ReportTestData.Shapes(6, seed: 1);
        using var y = tensor(new long[] { 0, 1, 2, 5, 0, 1 });
        var e = Assert.Throws<ArgumentException>(() => new Report(ThreeClassModel(), null, x, y, ["a", "b", "c"]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("Expected class indices from 0 to 2, one per class name", e.Message);
        Assert.Contains("Received: a label 5 at sample 3.", e.Message);
    }

    [Fact]
    public void BatchesWithoutLabelsAreRejected()
    {
        var (x, _) = ReportTestData.Shapes(6, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new Report(ThreeClassModel(), null, new TensorBatchSource(x), ["a", "b", "c"]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("batches without labels", e.Message);
    }

    [Fact]
    public void SampleNamesMustCoverEverySample()
    {
        var (x, y) = ReportTestData.Shapes(6, seed: 1);
        var e = Assert.Throws<ArgumentException>(() =>
            new Report(ThreeClassModel(), null, x, y, ["a", "b", "c"], new ReportOptions { SampleNames = ["one.png", "two.png"] }));
        Assert.Equal("options.SampleNames", e.ParamName);
        Assert.Contains("one name per evaluation sample (6 samples)", e.Message);
        Assert.Contains("Received: 2 names.", e.Message);
    }

    [Fact]
    public void TopLossCountMustBeReasonable()
    {
        var (x, y) = ReportTestData.Shapes(6, seed: 1);
        var e = Assert.Throws<ArgumentException>(() =>
            new Report(ThreeClassModel(), null, x, y, ["a", "b", "c"], new ReportOptions { TopLossCount = -1 }));
        Assert.Equal("options.TopLossCount", e.ParamName);
        Assert.Contains("Expected an integer from 0 to 100", e.Message);
    }

    [Fact]
    public void SaveNeedsAFolder()
    {
        var (x, y) = ReportTestData.Shapes(6, seed: 1);
        var report = new Report(ThreeClassModel(), null, x, y, ["a", "b", "c"]);
        var e = Assert.Throws<ArgumentException>(() => report.Save(" "));
        Assert.Equal("directory", e.ParamName);
    }

    [Fact]
    public void NullArgumentsAreNamed()
    {
        var (x, y) = ReportTestData.Shapes(6, seed: 1);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new Report(null!, null, x, y, ["a", "b", "c"])).ParamName);
        Assert.Equal("classNames", Assert.Throws<ArgumentNullException>(() => new Report(ThreeClassModel(), null, x, y, null!)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentNullException>(() => new Report(ThreeClassModel(), null, x, null!, ["a", "b", "c"])).ParamName);
    }
}
