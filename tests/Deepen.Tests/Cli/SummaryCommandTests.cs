using System.Globalization;
using Deepen.Models;

namespace Deepen.Tests.Cli;

/// <summary><c>deepen summary</c>: the Keras-style table of a saved model and its class names.</summary>
[Collection(CliCollection.Name)]
public class SummaryCommandTests
{
    readonly TrainedModelFixture _f;

    public SummaryCommandTests(TrainedModelFixture fixture) => _f = fixture;

    [Theory]
    [InlineData("multi")]
    [InlineData("binary")]
    public void PrintsTheTableTheTotalsAndTheClassNames(string run)
    {
        var trained = run == "multi" ? _f.Multi : _f.Binary;
        var r = DeepenRunner.Expect(0, "summary", "--model", trained.ModelPath);
        Assert.Equal("", r.Err);
        using var model = Model.Load(trained.ModelPath);
        Assert.Equal(model.Summary(TextWriter.Null) + $" Classes: {string.Join(", ", trained.ClassNames)}", r.Out.TrimEnd('\r', '\n'));
        Assert.Contains($"Total params: {model.CountParams().ToString("N0", CultureInfo.InvariantCulture)} (", r.Out);
        Assert.Contains("Model: \"small-cnn\"", r.Out);
        Assert.Contains("conv2d (Conv2D)", r.Out);
        Assert.Contains($"(None, {(run == "multi" ? 3 : 1)})", r.Out);
        Assert.Contains($"Classes: {string.Join(", ", run == "multi" ? TrainedModelFixture.MultiClasses : TrainedModelFixture.BinaryClasses)}", r.Out);
    }

    // ---- bad arguments ----

    [Fact]
    public void MissingOrUnknownOptionsExitTwo()
    {
        DeepenRunner.ExpectError(2, new[] { "summary" }, "--model", "required");
        DeepenRunner.ExpectError(2, new[] { "summary", "--model" }, "--model");
        DeepenRunner.ExpectError(2, new[] { "summary", "--model", _f.Multi.ModelPath, "--bogus" }, "--bogus");
    }

    [Fact]
    public void AMissingModelFileExitsThree()
    {
        string missing = Path.Combine(_f.NewFolder("missing"), "model.deepen");
        DeepenRunner.ExpectError(3, new[] { "summary", "--model", missing }, "--model", missing);
        DeepenRunner.ExpectError(3, new[] { "summary", "--model", _f.Multi.Out }, "--model", _f.Multi.Out);     // a folder
    }

    [Fact]
    public void ACorruptTruncatedOrEmptyModelFileExitsFour()
    {
        string empty = Path.Combine(_f.NewFolder("empty-model"), "model.deepen");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        foreach (string model in new[] { _f.GarbageModel(), _f.TruncatedModel(), empty })
        {
            var r = DeepenRunner.ExpectError(4, new[] { "summary", "--model", model }, "--model", model);
            Assert.Equal("", r.Out);
        }
    }

    [Fact]
    public void AModelWhoseBytesWereChangedExitsFour()
    {
        var bytes = File.ReadAllBytes(_f.Multi.ModelPath);
        string path = Path.Combine(_f.NewFolder("flipped"), "model.deepen");
        for (int i = bytes.Length / 3; i < bytes.Length / 3 + 16; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        DeepenRunner.ExpectError(4, new[] { "summary", "--model", path }, "--model", path);
    }
}
