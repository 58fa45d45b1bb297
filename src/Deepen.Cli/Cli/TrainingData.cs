using Deepen.Callbacks;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Reports;
using Deepen.Training;
using System.Text.Json.Nodes;

namespace Deepen.Cli;

/// <summary>
/// What a training run needs from its data, whatever its kind: the class folders read once (training, validation and
/// test sets), the model built and compiled for them, the fit, the test scores, the report and the kind's own figures
/// for metrics.json and the report's settings. <see cref="TrainRun"/> does the rest the same way for images and texts.
/// </summary>
public abstract class TrainingData
{
    /// <summary>The class names, by class index.</summary>
    public abstract IReadOnlyList<string> ClassNames { get; }
    /// <summary>Whether the run has validation data (for keep-best and early stopping).</summary>
    public abstract bool HasValidation { get; }
    /// <summary>Samples read for training, validation (null: none) and test (null: none), and files skipped.</summary>
    public abstract (int Train, int? Validation, int? Test, int Skipped) Counts { get; }

    /// <summary>Builds the model the options name for these classes, compiles it with <paramref name="optimizer"/> and returns it.</summary>
    public abstract Model BuildModel(TrainOptions o, Optimizer optimizer);
    /// <summary>Trains <paramref name="model"/> on the training set, validating on the validation set when there is one.</summary>
    public abstract History Fit(Model model, TrainOptions o, List<Callback> callbacks);
    /// <summary>The compiled loss and metrics on the test set, or null without one.</summary>
    public abstract IReadOnlyDictionary<string, double>? EvaluateTest(Model model, int verbose);
    /// <summary>The report on the test set, else the validation set, else the training set, with this kind's audit lines.</summary>
    public abstract Report Report(Model model, History history, string trainName, RunFacts facts);
    /// <summary>Writes what the run learned about its files (audit.json), when the data reader has not already.</summary>
    public virtual void WriteAudit(string outDir) { }
    /// <summary>Adds this kind's entries to metrics.json.</summary>
    public abstract void Describe(JsonObject metrics, TrainOptions o);
    /// <summary>This kind's entries of the report's settings table.</summary>
    public abstract IEnumerable<KeyValuePair<string, string>> Settings(TrainOptions o, Model model);
}
