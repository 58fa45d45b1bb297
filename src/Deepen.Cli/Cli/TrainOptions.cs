namespace Deepen.Cli;

/// <summary>Everything <c>deepen train</c> (and <c>deepen demo</c>) needs for one run.</summary>
public sealed record TrainOptions
{
    /// <summary>The training folder, one subfolder per class (<c>--train</c>).</summary>
    public required string TrainDir { get; init; }
    /// <summary>The validation folder with the same class subfolders (<c>--val</c>), or null.</summary>
    public string? ValDir { get; init; }
    /// <summary>The fraction of <see cref="TrainDir"/> held out for validation instead of <see cref="ValDir"/>, in [0, 1) (<c>--val-split</c>); 0 holds out nothing.</summary>
    public double ValSplit { get; init; }
    /// <summary>A folder of test images: evaluated after training and used for the report (else the validation data).</summary>
    public string? TestDir { get; init; }
    /// <summary>The output folder for model.deepen, history.csv, metrics.json, audit.json and report/ (<c>--out</c>).</summary>
    public required string OutDir { get; init; }
    /// <summary>The size images are resized to, (height, width) (<c>--image-size</c>, default 150 × 150).</summary>
    public (int Height, int Width) ImageSize { get; init; } = (150, 150);
    /// <summary><c>"rgb"</c> (default), <c>"grayscale"</c> or <c>"rgba"</c> (<c>--color-mode</c>).</summary>
    public string ColorMode { get; init; } = "rgb";
    /// <summary>How images are resized to the image size: "nearest" (Keras's <c>flow_from_directory</c> default), or "bilinear" for pretrained bases, whose features suffer from blocky upscaling.</summary>
    public string Interpolation { get; init; } = "nearest";
    /// <summary>The model preset name (such as <c>seed-cnn</c>, <c>small-cnn</c>, or with <see cref="Text"/> <c>text-lstm</c>,
    /// <c>text-transformer</c>, <c>text-bow</c>) or the path of a JSON model spec file (<c>--model</c>).</summary>
    public string Model { get; init; } = "seed-cnn";
    /// <summary>Why <see cref="Model"/> was chosen when the user gave no <c>--model</c> (printed once the arguments are checked), else null.</summary>
    public string? ModelChoice { get; init; }
    /// <summary>The number of epochs (<c>--epochs</c>, default 10).</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>The samples per gradient step (<c>--batch-size</c>, default 32).</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>The optimizer's Keras name: sgd, adam (default), adamw or rmsprop (<c>--optimizer</c>).</summary>
    public string Optimizer { get; init; } = "adam";
    /// <summary>The learning rate (<c>--lr</c>), or null for the optimizer's Keras default.</summary>
    public double? LearningRate { get; init; }
    /// <summary>The training augmentations (<c>--augment</c>); <see cref="AugmentSpec.None"/> by default.</summary>
    public AugmentSpec Augment { get; init; } = AugmentSpec.None;
    /// <summary>Train under the mixed_bfloat16 dtype policy (bf16 compute, float32 weights).</summary>
    public bool MixedPrecision { get; init; }
    /// <summary>EarlyStopping patience on val_loss (restoring the best weights), or null.</summary>
    public int? EarlyStopping { get; init; }
    /// <summary>Save the last epoch's weights instead of the best validation epoch's (see <see cref="KeptEpoch"/>).</summary>
    public bool KeepLast { get; init; }
    /// <summary>The random seed of weights, shuffling and augmentation (<c>--seed</c>, default 42).</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Fail before training when the data audit marks any file, instead of skipping those files (<c>--strict</c>).</summary>
    public bool Strict { get; init; }
    /// <summary>Continue an interrupted run in <see cref="OutDir"/> from its last completed epoch (see <see cref="RunFolder"/>).</summary>
    public bool Resume { get; init; }
    /// <summary>1 (default) prints progress and the summary; 0 (<c>--quiet</c>) prints only errors and the report's path.</summary>
    public int Verbose { get; init; } = 1;
    /// <summary>Train a text classifier on class folders of .txt files (see <see cref="TextTrainingData"/>).</summary>
    public bool Text { get; init; }
    /// <summary>Text: the vocabulary size, padding and [UNK] included.</summary>
    public int MaxTokens { get; init; } = 20000;
    /// <summary>Text: token ids per text (sequence models).</summary>
    public int SequenceLength { get; init; } = 250;
    /// <summary>With a pretrained image model: after the frozen phase, unfreeze the last N residual blocks and train again at a lower learning rate (see <see cref="PretrainedModels"/>).</summary>
    public int? FineTune { get; init; }
    /// <summary>Epochs of the fine-tuning phase (default: <see cref="Epochs"/>).</summary>
    public int? FineTuneEpochs { get; init; }
    /// <summary>Also train the default scratch model on the same data and split, and show both (see <see cref="ScratchComparison"/>).</summary>
    public bool CompareScratch { get; init; }
}
