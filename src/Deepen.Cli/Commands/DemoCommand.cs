using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Deepen.Data;
using SkiaSharp;

namespace Deepen.Cli.Commands;

/// <summary>
/// <c>deepen demo</c>: writes the bundled Fashion-MNIST sample (4,600 training and 1,000 test images in ten class
/// folders) and runs the seed's pipeline on it — augmentation, a CNN, Fit, Evaluate — then writes the report.
/// </summary>
public static class DemoCommand
{
    /// <summary>Fashion-MNIST's classes in label order, as folder names (their ordinal order differs, which is fine).</summary>
    internal static readonly string[] ClassFolders =
        { "tshirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot" };

    /// <summary>Builds the <c>deepen demo</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the data, the model and the report.", DefaultValueFactory = _ => "deepen-demo" };
        var epochs = new Option<int>("--epochs") { Description = "Number of epochs.", DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the results." };
        var command = new Command("demo", "Train and report on a bundled Fashion-MNIST sample (about half a minute on a quiet two-core machine; longer when the cores are busy).") { output, epochs, seed, quiet };
        command.SetBody(p =>
        {
            string outDir = Path.GetFullPath(p.GetValue(output)!);
            var clock = Stopwatch.StartNew();
            string dataDir = Path.Combine(outDir, "data");
            var options = new TrainOptions
            {
                TrainDir = Path.Combine(dataDir, "train"), TestDir = Path.Combine(dataDir, "test"), ValSplit = 0.1,
                OutDir = outDir, ImageSize = (28, 28), ColorMode = "grayscale", Model = "small-cnn",
                Epochs = p.GetValue(epochs), BatchSize = 64, Optimizer = "adam",
                Augment = AugmentSpec.Parse("shear=0.2,zoom=0.1,flip"), Seed = p.GetValue(seed), Verbose = p.GetValue(quiet) ? 0 : 1,
            };
            TrainRun.CheckArguments(options);           // before writing 5,600 images
            CommonChecks.OutputFolder(outDir, "--out");
            int written = WriteDataset(dataDir);
            Console.WriteLine($"Wrote {written} Fashion-MNIST images (Zalando Research, MIT licence) to {dataDir}/train and {dataDir}/test.");
            string index = TrainRun.Execute(options);
            var metrics = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
            double accuracy = metrics["test"]!["accuracy"]!.GetValue<double>();
            Console.WriteLine($"Test accuracy: {accuracy.ToString("P1", CultureInfo.InvariantCulture)} on {metrics["test_samples"]} images ({clock.Elapsed.TotalSeconds:F0}s in all).");
            Console.WriteLine($"Report: {index}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes the embedded IDX files as PNGs into train/ and test/ class folders; returns the image count.</summary>
    internal static int WriteDataset(string dataDir)
    {
        int count = 0;
        foreach (var (split, prefix) in new[] { ("train", "train"), ("test", "t10k") })
        {
            using var images = ReadResource($"{prefix}-images-idx3-ubyte.gz");
            using var labels = ReadResource($"{prefix}-labels-idx1-ubyte.gz");
            using var bytes = images.to(TorchSharp.torch.ScalarType.Byte);
            var pixels = bytes.data<byte>().ToArray();
            var y = labels.data<long>().ToArray();
            int h = (int)images.shape[1], w = (int)images.shape[2];
            foreach (var folder in ClassFolders) Directory.CreateDirectory(Path.Combine(dataDir, split, folder));
            for (int i = 0; i < y.Length; i++)
            {
                using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
                System.Runtime.InteropServices.Marshal.Copy(pixels, i * h * w, bitmap.GetPixels(), h * w);
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(dataDir, split, ClassFolders[y[i]], $"{split}_{i:D5}.png"), data.ToArray());
                count++;
            }
        }
        return count;
    }

    static TorchSharp.torch.Tensor ReadResource(string name)
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream("demo/" + name)
            ?? throw new CliException(ExitCodes.Failure, $"The demo data \"{name}\" is missing from this build of deepen.");
        string path = Path.Combine(Path.GetTempPath(), $"deepen-demo-{Environment.ProcessId}-{name}");
        try
        {
            using (var file = File.Create(path)) stream.CopyTo(file);
            return Idx.Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
