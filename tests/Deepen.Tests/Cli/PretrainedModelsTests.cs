using System.Text.Json;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Distributed;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Cli;

/// <summary>
/// <c>deepen train --model resnet18</c> / <c>--text --model minilm</c>: the pretrained runs on tiny folders (1 epoch),
/// <c>--fine-tune</c>, <c>--compare-scratch</c>, the saved models in other commands and a fresh process, and the errors.
/// </summary>
public class PretrainedModelsTests
{
    [Fact]
    public void Resnet18_run_fine_tunes_exactly_the_last_blocks_compares_with_scratch_and_saves_a_model_that_predicts()
    {
        using var dir = new TempDir();
        string train = Path.Combine(dir.Path, "train"), output = Path.Combine(dir.Path, "run");
        ClassImages.Write(train, new[] { "red", "green" }, perClass: 2, seed: 1);
        var result = DeepenRunner.Expect(0, "train", "--model", "resnet18", "--train", train, "--out", output, "--epochs", "1",
            "--batch-size", "4", "--fine-tune", "1", "--fine-tune-epochs", "1", "--compare-scratch", "--image-size", "16", "--seed", "1");
        Assert.Contains("ResNet-18 pretrained on ImageNet", result.Out);                       // the console says which base
        Assert.Contains("learning rate 1E-05", result.Out);                                     // Adam 1e-3 → 1e-5, as Keras's guide
        Assert.Contains("small-cnn", result.Out);                                               // the comparison table
        Assert.Contains("with L-BFGS", result.Out);                                             // the head is solved on the features

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        var m = metrics.RootElement;
        Assert.Contains("ResNet-18", m.GetProperty("base").GetString());
        Assert.Equal(1, m.GetProperty("fine_tune_blocks").GetInt32());
        Assert.Equal(2, m.GetProperty("epochs_run").GetInt32());                                 // the frozen phase, then fine-tuning
        var rows = m.GetProperty("comparison").EnumerateArray().ToList();
        Assert.Equal(new[] { "resnet18", "small-cnn" }, rows.Select(r => r.GetProperty("model").GetString()));
        using var scratch = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "scratch", "metrics.json")));
        Assert.Equal("small-cnn", scratch.RootElement.GetProperty("model").GetString());
        Assert.Equal(new[] { 16, 16 }, scratch.RootElement.GetProperty("image_size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Contains("ResNet-18", File.ReadAllText(Path.Combine(output, "report", "report.json")));

        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        var blocks = Deepen.Applications.Applications.ResNet18Blocks(model);
        Assert.Equal(Deepen.Cli.PretrainedModels.ResNet18Blocks, blocks.Count(b => b.OfType<Conv2D>().Any()));   // what --fine-tune accepts
        var lastBlockConvs = blocks.Where(b => b.OfType<Conv2D>().Any()).Last().OfType<Conv2D>().ToHashSet();
        Assert.Equal(2, lastBlockConvs.Count);
        foreach (var conv in model.Layers.OfType<Conv2D>())
            Assert.True(conv.Trainable == lastBlockConvs.Contains(conv), $"{conv.Name}: trainable={conv.Trainable}");
        Assert.All(model.Layers.OfType<BatchNormalization>(), bn => Assert.False(bn.Trainable));
        var head = Assert.IsType<Dense>(model.Layers.Single(l => l.Name == "head"));
        Assert.Equal(1.0 / (2 * 4), Assert.IsType<Deepen.Regularizers.L2>(head.KernelRegularizer).L2Factor, 12);   // 4 training images; saved and loaded
        using var x = rand(2, 224, 224, 3) * 255;
        using var p = model.Predict(x);
        Assert.Equal(new long[] { 2, 1 }, p.shape);                                             // two classes: one sigmoid unit

        string image = Directory.GetFiles(Path.Combine(train, "red")).First();
        var predicted = DeepenRunner.Expect(0, "predict", "--model", Path.Combine(output, "model.deepen"), image, "--json");
        Assert.Contains("\"class\"", predicted.Out);
    }

    [Fact]
    public void Minilm_run_saves_a_text_model_that_a_fresh_process_loads_and_predicts_with()
    {
        using var dir = new TempDir();
        string train = Path.Combine(dir.Path, "train"), output = Path.Combine(dir.Path, "run");
        TextRunFixture.Write(train, new[] { "spam", "ham" }, perClass: 2, seed: 1);
        DeepenRunner.Expect(0, "train", "--text", "--model", "minilm", "--train", train, "--out", output, "--epochs", "1", "--seed", "1", "--quiet");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Contains("all-MiniLM-L6-v2", metrics.RootElement.GetProperty("base").GetString());
        Assert.Equal(30522, metrics.RootElement.GetProperty("vocabulary_size").GetInt32());

        // In this process: the tokenizer and encoder come back from their configs with the trained head.
        string text = Path.Combine(train, "spam", "spam_00.txt");
        using var model = Model.Load(Path.Combine(output, "model.deepen"));
        Assert.IsType<Deepen.Applications.WordPieceTokenizer>(model.Layers[0]);
        Assert.IsType<Deepen.Applications.SentenceEncoder>(model.Layers[1]);
        var head = Assert.IsType<Dense>(model.Layers[^1]);
        Assert.Equal(1.0 / (2 * 4), Assert.IsType<Deepen.Regularizers.L2>(head.KernelRegularizer).L2Factor, 12);   // 4 training mails
        using var p = model.Predict(new[] { File.ReadAllText(text) });
        double expected = p.data<float>()[0];

        // A fresh process (nothing registered by this test run) loads the file and gives the same probability.
        var fresh = MpiJob.Run(1, MpiJob.Cli, "predict", "--model", Path.Combine(output, "model.deepen"), text, "--json");
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        using var json = JsonDocument.Parse(fresh.Out);
        var prediction = json.RootElement.GetProperty("predictions")[0];
        double probability = prediction.GetProperty("probability").GetDouble();
        double spam = prediction.GetProperty("class").GetString() == "spam" ? probability : 1 - probability;
        Assert.Equal(expected, spam, 4);                                                        // sigmoid output = P(class 1 = "spam")
    }

    [Theory]
    [InlineData(new[] { "--model", "resnet50" }, "--model", "resnet50", "resnet18")]
    [InlineData(new[] { "--text", "--model", "resnet18" }, "--model resnet18", "--text")]
    [InlineData(new[] { "--model", "minilm" }, "--model minilm", "--text")]
    [InlineData(new[] { "--model", "small-cnn", "--fine-tune", "2" }, "--fine-tune", "small-cnn")]
    [InlineData(new[] { "--model", "resnet18", "--fine-tune", "10" }, "--fine-tune", "10", "1 to 9")]
    [InlineData(new[] { "--model", "seed-cnn", "--compare-scratch" }, "--compare-scratch", "resnet18")]
    [InlineData(new[] { "--text", "--model", "minilm", "--fine-tune", "1" }, "--fine-tune", "minilm")]
    public void Pretrained_options_fail_with_messages_that_name_the_option_and_the_value(string[] args, params string[] mentions)
    {
        using var dir = new TempDir();
        DeepenRunner.ExpectError(2, new[] { "train", "--train", dir.Path, "--out", Path.Combine(dir.Path, "out") }.Concat(args).ToArray(), mentions);
    }

    [Fact]
    public void APretrainedImageRunResizesBilinearlyToTheBasesInput()
    {
        // Upscaling 28×28 images to ResNet-18's 224×224 nearest-neighbour makes blocky images: on Fashion-MNIST with
        // 10 images per class (examples/Transfer/README.md) bilinear resizing raised the frozen base's test accuracy.
        using var dir = new TempDir();
        string train = Path.Combine(dir.Path, "train");
        var random = new Random(5);
        foreach (var cls in new[] { "a", "b" })
            for (int i = 0; i < 2; i++)
                Deepen.Tests.Data.TestImages.GrayPng(Path.Combine(Directory.CreateDirectory(Path.Combine(train, cls)).FullName, $"{i}.png"), 28, 28, (x, y) => (byte)random.Next(256));
        var plain = new Deepen.Cli.TrainOptions { TrainDir = train, OutDir = Path.Combine(dir.Path, "out"), Verbose = 0, ImageSize = (28, 28), ColorMode = "grayscale" };
        Directory.CreateDirectory(plain.OutDir);
        var pretrained = Deepen.Cli.PretrainedModels.ForImageBase(plain with { Model = "resnet18" });
        Assert.Equal(((224, 224), "rgb", "bilinear"), (pretrained.ImageSize, pretrained.ColorMode, pretrained.Interpolation));
        Assert.Equal(Deepen.Ops.Interpolation.Bilinear, Deepen.Cli.ImageTrainingData.Read(pretrained).Train.Interpolation);
        Assert.Equal(Deepen.Ops.Interpolation.Nearest, Deepen.Cli.ImageTrainingData.Read(plain).Train.Interpolation);   // Keras's flow_from_directory default
    }
}
