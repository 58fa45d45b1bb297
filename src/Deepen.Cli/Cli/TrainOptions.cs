namespace Deepen.Cli;

/// <summary>Everything <c>deepen train</c> (and <c>deepen demo</c>) needs for one run.</summary>
public sealed record TrainOptions
{
    public required string TrainDir { get; init; }
    public string? ValDir { get; init; }
    public double ValSplit { get; init; }
    /// <summary>A folder of test images: evaluated after training and used for the report (else the validation data).</summary>
    public string? TestDir { get; init; }
    public required string OutDir { get; init; }
    public (int Height, int Width) ImageSize { get; init; } = (150, 150);
    public string ColorMode { get; init; } = "rgb";
    public string Model { get; init; } = "seed-cnn";
    /// <summary>Why <see cref="Model"/> was chosen when the user gave no <c>--model</c> (printed once the arguments are checked), else null.</summary>
    public string? ModelChoice { get; init; }
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 32;
    public string Optimizer { get; init; } = "adam";
    public double? LearningRate { get; init; }
    public AugmentSpec Augment { get; init; } = AugmentSpec.None;
    /// <summary>Train under the mixed_bfloat16 dtype policy (bf16 compute, float32 weights).</summary>
    public bool MixedPrecision { get; init; }
    /// <summary>EarlyStopping patience on val_loss (restoring the best weights), or null.</summary>
    public int? EarlyStopping { get; init; }
    /// <summary>Save the last epoch's weights instead of the best validation epoch's (see <see cref="KeptEpoch"/>).</summary>
    public bool KeepLast { get; init; }
    public int Seed { get; init; } = 42;
    public bool Strict { get; init; }
    /// <summary>Continue an interrupted run in <see cref="OutDir"/> from its last completed epoch (see <see cref="RunFolder"/>).</summary>
    public bool Resume { get; init; }
    public int Verbose { get; init; } = 1;
    /// <summary>Train a text classifier on class folders of .txt files (see <see cref="TextTrainRun"/>).</summary>
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
