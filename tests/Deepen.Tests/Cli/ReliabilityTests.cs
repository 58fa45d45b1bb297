using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deepen.Cli;
using Deepen.Models;
using Deepen.Saving;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Cli;

/// <summary>
/// Issue 16 against the <c>deepen</c> command: diverged runs, files that claim huge resources, corrupt state and
/// link cycles each end in one error line and exit code 4 or 5 — never a stack trace, never a silent NaN model.
/// </summary>
[Collection(CliCollection.Name)]
public class ReliabilityTests(TrainedModelFixture f)
{
    static void NoStackTrace(CliResult r) =>
        Assert.False(r.Err.Contains("   at ", StringComparison.Ordinal), $"stderr holds a stack trace: {r}");

    [Fact]
    public void ADivergedRunExitsFiveSavesFiniteWeightsAndSaysWhy()
    {
        string output = f.NewFolder("diverged");
        // SGD with a learning rate of 1e6 sends the logits to infinity within a few steps.
        var r = DeepenRunner.Run(TrainedModelFixture.TrainArgs(f.Multi.Train, output, 3, "--optimizer", "sgd", "--lr", "1e6"));
        Assert.True(r.ExitCode == ExitCodes.Diverged, $"expected exit {ExitCodes.Diverged}: {r}");
        Assert.Contains("training diverged", r.Err);
        Assert.Contains("--lr", r.Err);
        NoStackTrace(r);

        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        foreach (var w in model.Weights) Assert.True(isfinite(w.Value).all().item<bool>(), $"weight {w.Name} is not finite");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        var diverged = metrics.RootElement.GetProperty("diverged");
        Assert.Equal(JsonValueKind.Object, diverged.ValueKind);
        Assert.True(diverged.GetProperty("weights_of_epoch").GetInt32() < diverged.GetProperty("epoch").GetInt32());
        // metrics.json names the weights saved (the last finite ones), not the best validation epoch keep-best had chosen.
        Assert.Equal(diverged.GetProperty("weights_of_epoch").GetInt32(), metrics.RootElement.GetProperty("kept_epoch").GetInt32());
        Assert.Contains(metrics.RootElement.GetProperty("kept").GetString(), new[] { "last_finite", "initial" });
        // The saved weights are usable.
        DeepenRunner.Expect(0, "predict", "--model", Path.Combine(output, "model.deepen"), f.Test);
    }

    [Fact]
    public void PredictAndEvaluateRefuseAModelWithNaNWeights()
    {
        string path = Path.Combine(f.NewFolder("nan-model"), "model.deepen");
        using (var model = Model.Load(f.Multi.ModelPath))
        {
            var w = model.Weights.Last();
            using (no_grad()) w.Value[0] = float.NaN;
            model.Save(path);
        }
        var predict = DeepenRunner.ExpectError(ExitCodes.BadInput, ["predict", "--model", path, f.Test], "non-finite", "/");
        Assert.Equal("", predict.Out);
        DeepenRunner.ExpectError(ExitCodes.BadInput, ["evaluate", "--model", path, "--data", f.Test, "--no-report"], "non-finite");
        DeepenRunner.Expect(0, "summary", "--model", path);            // the table is still readable
    }

    [Fact]
    public void AConfigAskingForMillionUnitLayersIsRefusedBeforeAllocating()
    {
        string path = Bombs.WideDenseModel(f.Multi.ModelPath, Path.Combine(f.NewFolder("wide"), "model.deepen"), 1_000_000);
        Assert.True(Bombs.Entries(path)["config.json"].Length < 10_000);           // a few KB of JSON asks for gigabytes
        var r = DeepenRunner.ExpectError(ExitCodes.BadInput, ["predict", "--model", path, f.Test], "[1000000, ", "Nothing was allocated");
        NoStackTrace(r);
    }

    [Fact]
    public void AModelSpecAskingForMillionUnitLayersIsRefusedBeforeAllocating()
    {
        string folder = f.NewFolder("wide-spec");
        string spec = Path.Combine(folder, "wide.json");
        File.WriteAllText(spec, """{"layers": [{"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 1000000}}]}""");
        var r = DeepenRunner.ExpectError(ExitCodes.BadInput,
            ["train", "--train", f.Multi.Train, "--out", Path.Combine(folder, "out"), "--model", spec, "--image-size", "16", "--epochs", "1", "--quiet"],
            "too large", "DEEPEN_MAX_PARAMETERS");
        NoStackTrace(r);
    }

    [Fact]
    public void AnImageSizeTooLargeForTheModelIsRefusedBeforeAllocating()
    {
        string folder = f.NewFolder("huge-size");
        var r = DeepenRunner.ExpectError(ExitCodes.BadInput,
            ["train", "--train", f.Multi.Train, "--out", Path.Combine(folder, "out"), "--image-size", "4096", "--batch-size", "1", "--epochs", "1", "--quiet"], "too large");
        NoStackTrace(r);
    }

    [Fact]
    public void AnImageBatchLargerThanMemoryAllowsIsABadArgument()
    {
        // 4096² RGB × 4 bytes × 16384 images is 3.3 TB per batch: no machine running these tests has four times that.
        var r = DeepenRunner.ExpectError(ExitCodes.Usage,
            ["train", "--train", f.Multi.Train, "--out", f.NewFolder("huge-batch"), "--image-size", "4096", "--batch-size", "16384", "--epochs", "1", "--quiet"],
            "--image-size 4096x4096", "--batch-size 16384");
        NoStackTrace(r);
    }

    [Fact]
    public void AZipWhoseEntriesClaimGigabytesIsRefusedBeforeInflating()
    {
        string path = Bombs.ClaimingModel(f.Multi.ModelPath, Path.Combine(f.NewFolder("zip-bomb"), "model.deepen"), 1_610_612_736);   // 1.5 GiB each
        var r = DeepenRunner.ExpectError(ExitCodes.BadInput, ["predict", "--model", path, f.Test], "more than the limit", "Nothing was inflated");
        NoStackTrace(r);
    }

    [Fact]
    public void UnknownEntriesInAModelFileAreRefusedByName()
    {
        var entries = Bombs.Entries(f.Multi.ModelPath);
        for (int i = 0; i < 6; i++) entries[$"payload{i}.bin"] = new byte[16];
        string path = Bombs.WriteModel(Path.Combine(f.NewFolder("extra-entries"), "model.deepen"), entries);
        DeepenRunner.ExpectError(ExitCodes.BadInput, ["predict", "--model", path, f.Test], "payload0.bin");
    }

    [Fact]
    public void ASafetensorsShapeWhoseProductOverflowsIsRefused()
    {
        var entries = Bombs.Entries(f.Multi.ModelPath);
        var image = entries["model.safetensors"];
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(image);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(image, 8, (int)headerLength))!.AsObject();
        string name = header.Select(kv => kv.Key).First(k => k != "__metadata__");
        // 2^32 × 2^32 = 2^64, which wraps to 0 in unchecked 64-bit arithmetic, and the byte range [0, 0] holds 0 bytes.
        header[name]!["shape"] = new JsonArray(4294967296L, 4294967296L);
        header[name]!["data_offsets"] = new JsonArray(0L, 0L);
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;
        var edited = new byte[8 + padded + (image.Length - 8 - headerLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(edited, (ulong)padded);
        headerBytes.CopyTo(edited, 8);
        for (int i = 8 + headerBytes.Length; i < 8 + padded; i++) edited[i] = (byte)' ';
        image.AsSpan((int)(8 + headerLength)).CopyTo(edited.AsSpan(8 + padded));
        entries["model.safetensors"] = edited;
        string path = Bombs.WriteModel(Path.Combine(f.NewFolder("overflow"), "model.deepen"), entries);

        var r = DeepenRunner.ExpectError(ExitCodes.BadInput, ["predict", "--model", path, f.Test], name, "4294967296");
        NoStackTrace(r);
    }

    [Fact]
    public void AGarbageOptimizerStateFailsTheLibraryLoadButNotPredictOrEvaluate()
    {
        var entries = Bombs.Entries(f.Multi.ModelPath);
        Assert.True(entries.ContainsKey("optimizer.bin"));
        entries["optimizer.bin"] = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray();
        string path = Bombs.WriteModel(Path.Combine(f.NewFolder("bad-optimizer"), "model.deepen"), entries);

        var e = Assert.Throws<ModelFileException>(() => Model.Load(path));
        Assert.Contains("optimizer", e.Message);
        using (var m = Model.Load(path, includeOptimizer: false)) Assert.True(m.Built);
        var predict = DeepenRunner.Expect(0, "predict", "--model", path, f.Test, "--json");
        Assert.Equal(3 * TrainedModelFixture.TestPerClass, predict.Json().GetProperty("predictions").GetArrayLength());
        DeepenRunner.Expect(0, "evaluate", "--model", path, "--data", f.Test, "--no-report");
    }

    [Fact]
    public async Task AnEmptyOrSpecialModelFileIsRefusedWithoutBlocking()
    {
        string folder = f.NewFolder("fifo");
        string fifo = Path.Combine(folder, "model.deepen");
        var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo);
        mkfifo.WaitForExit();
        Assert.True(File.Exists(fifo));
        var result = await Task.Run(() => DeepenRunner.Run("summary", "--model", fifo)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("not a regular file", result.Err);
    }

    [Fact]
    public void AHugePngIsRefusedFromItsHeader()
    {
        string folder = f.NewFolder("huge-png");
        string png = Bombs.Png(Path.Combine(folder, "huge.png"), 16000);
        Assert.True(new FileInfo(png).Length < 1_000_000);
        var r = DeepenRunner.Expect(ExitCodes.BadInput, "predict", "--model", f.Multi.ModelPath, png);
        Assert.Contains("16000x16000", r.Out + r.Err);
        Assert.Contains("it was not decoded", r.Out + r.Err);
    }

    [Fact]
    public void PredictOnAFolderWithSymlinkLoopsListsEachImageOnce()
    {
        string folder = f.NewFolder("loops");
        var images = Directory.GetFiles(Path.Combine(f.Test, "apple")).Order(StringComparer.Ordinal).Take(3).ToArray();
        Directory.CreateDirectory(Path.Combine(folder, "a", "b"));
        File.Copy(images[0], Path.Combine(folder, "one.png"));
        File.Copy(images[1], Path.Combine(folder, "a", "two.png"));
        File.Copy(images[2], Path.Combine(folder, "a", "b", "three.png"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "a", "b", "up"), Path.Combine(folder, "a"));    // a/b/up → a
        Directory.CreateSymbolicLink(Path.Combine(folder, "a", "root"), folder);                          // a/root → the top
        Directory.CreateSymbolicLink(Path.Combine(folder, "self"), ".");                                  // self → itself
        var r = DeepenRunner.Expect(0, "predict", "--model", f.Multi.ModelPath, folder, "--json");
        var paths = r.Json().GetProperty("predictions").EnumerateArray().Select(p => Path.GetFileName(p.GetProperty("path").GetString()!)).ToArray();
        Assert.Equal(new[] { "one.png", "three.png", "two.png" }, paths.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void AClassFolderWithNoUsableImageIsNamedAndDropped()
    {
        string train = CliFiles.CopyFolder(f.Multi.Train, Path.Combine(f.NewFolder("empty-class"), "train"));
        ClassImages.WriteBrokenFiles(Path.Combine(train, "broken"));                   // a fourth folder: an empty and a corrupt file
        Directory.CreateDirectory(Path.Combine(train, "nothing"));                      // a fifth: no file at all
        string output = Path.Combine(Path.GetDirectoryName(train)!, "out");
        var r = DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(train, output, 1));
        Assert.Contains("\"broken\"", r.Err);
        Assert.Contains("\"nothing\"", r.Err);
        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        Assert.Equal(TrainedModelFixture.MultiClasses, model.ClassNames);
    }

    [Fact]
    public void GrayscaleModeConvertsColourImagesInsteadOfSkippingThem()
    {
        string train = f.NewFolder("gray-mix");
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 6; i++)
            {
                string path = Path.Combine(train, $"c{c}", $"{i}.png");
                if (i < 4) Data.TestImages.GrayPng(path, 16, 16, (x, y) => (byte)(c * 200 + (x * y + i) % 40));
                else Data.TestImages.Png(path, 16, 16, Data.TestImages.Pattern(c * 10 + i));   // colour among gray images
            }
        string output = Path.Combine(f.NewFolder("gray-out"), "run");
        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(train, output, 1, "--color-mode", "grayscale"));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(0, metrics.RootElement.GetProperty("skipped_files").GetInt32());
        Assert.Equal(12, metrics.RootElement.GetProperty("train_samples").GetInt32());
    }

    [Fact]
    public void StrictFailsTextTrainingWithSkippedFiles()
    {
        string train = f.NewFolder("strict-text");
        foreach (var c in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(train, c));
            for (int i = 0; i < 3; i++) File.WriteAllText(Path.Combine(train, c, $"{i}.txt"), $"text {c} number {i}");
        }
        File.WriteAllBytes(Path.Combine(train, "a", "empty.txt"), []);
        string output = Path.Combine(f.NewFolder("strict-text-out"), "run");
        string[] args = ["train", "--text", "--train", train, "--out", output, "--model", "text-bow", "--epochs", "1", "--quiet"];
        DeepenRunner.ExpectError(ExitCodes.BadInput, [.. args, "--strict"], "--strict", "empty.txt");
        DeepenRunner.Expect(0, args);
    }

    [Fact]
    public void AZoomOfOneIsReportedAgainstAugment()
    {
        var r = DeepenRunner.ExpectError(ExitCodes.Usage, TrainedModelFixture.TrainArgs(f.Multi.Train, f.NewFolder("zoom"), 1, "--augment", "zoom=1"), "--augment", "zoom=1");
        Assert.DoesNotContain("--train", r.Err);
        Assert.DoesNotContain("zoomRange", r.Err);
    }

    [Fact]
    public void AWrongTypedMetadataFieldIsNamed()
    {
        var entries = Bombs.Entries(f.Multi.ModelPath);
        var meta = JsonNode.Parse(entries["metadata.json"])!.AsObject();
        meta["format_version"] = "one";
        entries["metadata.json"] = Encoding.UTF8.GetBytes(meta.ToJsonString());
        string path = Bombs.WriteModel(Path.Combine(f.NewFolder("typed"), "model.deepen"), entries);
        DeepenRunner.ExpectError(ExitCodes.BadInput, ["summary", "--model", path], "format_version", "\"one\"");
    }

    [Fact]
    public void LibTorchAllocationFailuresMapToExitFourWithoutAStackTrace()
    {
        var e = Assert.ThrowsAny<System.Runtime.InteropServices.ExternalException>(() => empty(new long[] { 1L << 50 }));   // 4 PiB
        var (code, message) = ErrorHandling.Describe(e, " (--model m.json)");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not enough memory", message);
        Assert.Contains("--model m.json", message);
        Assert.DoesNotContain("\n", message);
        Assert.Equal(ExitCodes.BadInput, ErrorHandling.Describe(new OutOfMemoryException(), "").Code);
        Assert.Equal(ExitCodes.BadInput, ErrorHandling.Describe(new InvalidDataException("bad"), "").Code);
        Assert.Equal(ExitCodes.Failure, ErrorHandling.Describe(new NullReferenceException("oops"), "").Code);
    }

    [Fact]
    public void LibTorchReadingAFreedScalarIsAnInternalErrorNotBadInput()
    {
        // What c10::Scalar::type() throws (a std::runtime_error) for a scalar with no valid tag, as a freed one reads
        // (seen once in a long text training run, ending it with exit 4 "LibTorch rejected the input").
        var freed = new System.Runtime.InteropServices.ExternalException("Unknown scalar type.");
        var (code, message) = ErrorHandling.Describe(freed, " (--train data)");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("internal error (LibTorch: Unknown scalar type.): ", message);
        Assert.Contains("your inputs are not at fault", message);
        Assert.DoesNotContain("--train data", message);
        // A LibTorch error about the data itself still blames the inputs.
        var shape = new System.Runtime.InteropServices.ExternalException("mat1 and mat2 shapes cannot be multiplied (4x3 and 5x2)");
        Assert.Equal((ExitCodes.BadInput, "LibTorch rejected the input (--train data): mat1 and mat2 shapes cannot be multiplied (4x3 and 5x2)"),
            ErrorHandling.Describe(shape, " (--train data)"));
    }
}
