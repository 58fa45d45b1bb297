using System.CommandLine;
using Deepen.Cli;

namespace Deepen.Cli.Commands;

/// <summary><c>deepen train</c>: trains an image classifier on class folders and writes the model, history, metrics and report.</summary>
public static class TrainCommand
{
    /// <summary>Builds the <c>deepen train</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var train = new Option<string>("--train") { Description = "Folder of training images, one subfolder per class.", Required = true };
        var val = new Option<string?>("--val") { Description = "Folder of validation images (same class subfolders)." };
        var valSplit = new Option<double>("--val-split") { Description = "Hold out this fraction of --train for validation instead of --val (e.g. 0.2)." };
        var test = new Option<string?>("--test") { Description = "Folder of test images: evaluated after training, and shown in the report." };
        var output = new Option<string>("--out") { Description = "Output folder: model.deepen, history.csv, metrics.json, audit.json, report/.", Required = true };
        var size = new Option<string>("--image-size") { Description = "Images are resized to N×N (N) or W×H (WxH).", DefaultValueFactory = _ => "150" };
        var color = new Option<string>("--color-mode") { Description = "rgb, grayscale or rgba.", DefaultValueFactory = _ => "rgb" };
        color.Validators.Add(result =>
        {
            // System.CommandLine's AcceptOnlyFromAmong names the value but not the option; say both.
            if (result.GetValueOrDefault<string>() is not ("rgb" or "grayscale" or "rgba") and var value)
                result.AddError($"Invalid value for --color-mode: \"{value}\". Expected rgb, grayscale or rgba.");
        });
        var model = new Option<string>("--model") { Description = "seed-cnn (the seed's 4-conv CNN; the default for images of 46x46 and larger), small-cnn (the default for smaller images), resnet18 (pretrained on ImageNet, frozen, new head; images resized to 224x224 RGB), or a JSON model spec file; with --text: text-lstm (default), text-transformer, text-bow or minilm (pretrained all-MiniLM-L6-v2 sentence encoder, frozen, new head).", DefaultValueFactory = _ => "seed-cnn" };
        var epochs = new Option<int>("--epochs") { Description = "Number of epochs. With --model resnet18 or minilm (no --augment), the new head trains on the frozen base's features with L-BFGS: at most this many steps of 20 iterations, stopping once its loss stops falling.", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch-size") { Description = "Images per gradient step.", DefaultValueFactory = _ => 32 };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, adam, adamw or rmsprop.", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: the optimizer's Keras default)." };
        var augment = new Option<string?>("--augment") { Description = "Augmentations, e.g. shear=0.2,zoom=0.2,flip (also rotation=DEG, shift=F, brightness=F, vflip)." };
        var early = new Option<int?>("--early-stopping") { Description = "Stop when val_loss has not improved for N epochs (restores the best weights)." };
        var keepLast = new Option<bool>("--keep-last") { Description = "Save the last epoch's weights (default with validation data: the epoch with the lowest val_loss)." };
        var seed = new Option<int>("--seed") { Description = "Random seed (weights, shuffling, augmentation).", DefaultValueFactory = _ => 42 };
        var strict = new Option<bool>("--strict") { Description = "Fail before training if the data audit marks any file (default: skip them)." };
        var mixed = new Option<bool>("--mixed-precision") { Description = "Compute in bfloat16 with float32 weights (Keras's mixed_bfloat16 policy); fast on CPUs with AVX512-BF16/AMX and on recent GPUs." };
        var resume = new Option<bool>("--resume") { Description = "Continue a run that was interrupted (crash, kill) from its last completed epoch, with the same weights, optimizer state and random state; give the same options again." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only errors and the report's path." };
        var text = new Option<bool>("--text") { Description = "Train a text classifier on class folders of .txt files (models text-lstm, text-transformer, text-bow)." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "With --text: vocabulary size, padding and [UNK] included.", DefaultValueFactory = _ => 20000 };
        var sequenceLength = new Option<int>("--sequence-length") { Description = "With --text: token ids kept per text (sequence models).", DefaultValueFactory = _ => 250 };
        var fineTune = new Option<int?>("--fine-tune") { Description = "With --model resnet18: after training the head, unfreeze the last N residual blocks (1-9) and train --fine-tune-epochs (default --epochs) more epochs at 1/100 of the learning rate (Keras's guide: Adam 1e-5)." };
        var fineTuneEpochs = new Option<int?>("--fine-tune-epochs") { Description = "With --fine-tune: epochs of the fine-tuning phase (default: --epochs)." };
        var compareScratch = new Option<bool>("--compare-scratch") { Description = "With a pretrained --model: also train the default scratch model (at --image-size/--color-mode, or text-lstm) on the same data and split, into --out/scratch, and show both side by side." };
        var workers = new Option<int>("--workers") { Description = "Train data-parallel in N processes on this machine (runs mpirun -np N; needs Open MPI). Under mpirun, leave it out.", DefaultValueFactory = _ => 1 };

        var command = new Command("train", "Train an image classifier on class folders (or a text classifier with --text).")
        {
            train, val, valSplit, test, output, size, color, model, epochs, batch, optimizer, lr, augment, early, keepLast, seed, strict, mixed, resume, quiet,
            text, maxTokens, sequenceLength, fineTune, fineTuneEpochs, compareScratch, workers,
        };
        command.SetBody(p =>
        {
            // Started without MPI and asked for several workers: run this command again under mpirun (which sets the ranks' environment).
            if (p.GetValue(workers) != 1 && !Deepen.Distributed.Communicator.IsLaunchedDistributed) return WorkersLaunch.Run(p, p.GetValue(workers));
            bool isText = p.GetValue(text);
            var options = new TrainOptions
            {
                TrainDir = p.GetValue(train)!, ValDir = p.GetValue(val), ValSplit = p.GetValue(valSplit), TestDir = p.GetValue(test),
                OutDir = p.GetValue(output)!, ImageSize = ImageSize.Parse(p.GetValue(size)!), ColorMode = p.GetValue(color)!,
                Model = p.GetValue(model)!, Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batch), Optimizer = p.GetValue(optimizer)!,
                LearningRate = p.GetValue(lr), Augment = AugmentSpec.Parse(p.GetValue(augment)), EarlyStopping = p.GetValue(early),
                KeepLast = p.GetValue(keepLast),
                Seed = p.GetValue(seed), Strict = p.GetValue(strict), Resume = p.GetValue(resume), MixedPrecision = p.GetValue(mixed), Verbose = p.GetValue(quiet) ? 0 : 1,
                Text = isText, MaxTokens = p.GetValue(maxTokens), SequenceLength = p.GetValue(sequenceLength),
                FineTune = p.GetValue(fineTune), FineTuneEpochs = p.GetValue(fineTuneEpochs), CompareScratch = p.GetValue(compareScratch),
            };
            if (p.GetResult(model) is null or { Implicit: true })
            {
                // No --model: a default that fits the data, and say which.
                var (chosen, reason) = isText ? (TextModelPresets.Default, "the default for text") : ModelPresets.DefaultFor(options.ImageSize);
                options = options with { Model = chosen, ModelChoice = isText ? null : $"Model: {chosen} ({reason}; choose another with --model)" };
            }
            using var rank = WorkersLaunch.ForThisRank(ref options); // Distributed: ranks other than 0 print nothing and write into a private folder
            var index = TrainRun.Execute(options);
            if (rank.IsRoot) Console.WriteLine($"Report: {index}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
