using Deepen.Callbacks;
using Deepen.Data.Text;
using Deepen.Layers;
using Deepen.Training;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Models;

public partial class Model
{
    /// <summary>The <see cref="Layers.TextVectorization"/> the model starts with, or null.</summary>
    public TextVectorization? TextVectorization => Layers.Count > 0 ? Layers[0] as TextVectorization : null;

    /// <summary>
    /// Vectorizes raw strings with the model's first layer, a <see cref="Layers.TextVectorization"/>, on the host:
    /// the tensor the rest of the model consumes (token ids or bag-of-words vectors).
    /// </summary>
    /// <example><code>Tensor ids = model.VectorizeText(new[] { "free money", "see you at lunch" });</code></example>
    public Tensor VectorizeText(IReadOnlyList<string> texts, string argument = "x")
    {
        ArgumentNullException.ThrowIfNull(texts, argument);
        if (Layers.Count > 0 && Layers[0] is ITextInput other && other is not Deepen.Layers.TextVectorization)
        {
            if (texts.Count == 0) throw Check.Invalid(argument, "no texts", "at least one text");
            return other.Call(texts);
        }
        var vectorizer = TextVectorization ?? throw new InvalidOperationException(
            $"Model \"{Name}\" does not start with a TextVectorization layer, so it cannot take strings (argument `{argument}`). Put a TextVectorization (or another ITextInput layer) first, or give it tensors.");
        if (texts.Count == 0) throw Check.Invalid(argument, "no texts", "at least one text");
        if (vectorizer.OutputMode == "int" && vectorizer.OutputSequenceLength is null)
            throw new InvalidOperationException(
                $"Layer \"{vectorizer.Name}\" (TextVectorization) has no outputSequenceLength, so texts of different lengths would give inputs of different shapes. Give it one, e.g. new TextVectorization(maxTokens: 20000, outputSequenceLength: 200).");
        return vectorizer.Call(texts);
    }

    /// <summary>
    /// Trains on raw strings: the model's first layer (a <see cref="Layers.TextVectorization"/>, adapted beforehand)
    /// vectorizes them on the host and the rest of the model trains as with tensors. <c>y</c> holds labels [N],
    /// one-hot rows [N, classes] or 0/1 values; the other arguments are those of <c>Fit</c> on tensors.
    /// </summary>
    /// <example><code>
    /// vectorize.Adapt(texts);
    /// model.Fit(texts, new float[] { 1, 0, 1 }, epochs: 5, validationSplit: 0.2);
    /// </code></example>
    public History Fit(string[] x, Array y, int epochs = 1, int batchSize = 32, double validationSplit = 0.0,
        (string[] X, Array Y)? validationData = null, bool shuffle = true, IDictionary<int, double>? classWeight = null,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
    {
        EnsureCompiled(nameof(Fit));
        using var ty = Data.ArrayConverter.ToTensor(y, nameof(y));
        return Fit(x, ty, epochs, batchSize, validationSplit,
            validationData is (string[] vx, Array vy) ? (vx, Data.ArrayConverter.ToTensor(vy, "validationData.Y")) : null,
            shuffle, classWeight, callbacks, verbose, initialEpoch, disposeValidationTargets: true);
    }

    History Fit(string[] x, Tensor y, int epochs, int batchSize, double validationSplit, (string[] X, Tensor Y)? validationData,
        bool shuffle, IDictionary<int, double>? classWeight, IEnumerable<Callback>? callbacks, int verbose, int initialEpoch,
        bool disposeValidationTargets)
    {
        EnsureCompiled(nameof(Fit));
        try
        {
            using var tx = VectorizeText(x, nameof(x));
            if (validationData is (string[] vx, Tensor vy))
            {
                using var tvx = VectorizeText(vx, "validationData.X");
                return Fit(tx, y, epochs, batchSize, 0, (tvx, vy), shuffle, classWeight, callbacks, verbose, initialEpoch);
            }
            return Fit(tx, y, epochs, batchSize, validationSplit, null, shuffle, classWeight, callbacks, verbose, initialEpoch);
        }
        finally
        {
            if (disposeValidationTargets) validationData?.Y.Dispose();
        }
    }

    /// <summary>
    /// Trains on a <see cref="TextDataset"/> (e.g. from <see cref="TextDatasetUtils.TextDatasetFromDirectory"/>), in its
    /// batch size and shuffling; its class names become the model's <see cref="ClassNames"/> when it has none.
    /// </summary>
    /// <example><code>model.Fit(train, epochs: 5, validationData: val);</code></example>
    public History Fit(TextDataset data, int epochs = 1, TextDataset? validationData = null,
        IDictionary<int, double>? classWeight = null, IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
    {
        EnsureCompiled(nameof(Fit));
        ArgumentNullException.ThrowIfNull(data);
        using var y = LabelsOf(data, nameof(data));
        using var vy = validationData is null ? null : LabelsOf(validationData, nameof(validationData));
        ClassNames ??= data.ClassNames;
        return Fit(data.Texts.ToArray(), y, epochs, data.BatchSize, 0, validationData is null ? null : (validationData.Texts.ToArray(), vy!),
            data.Shuffle, classWeight, callbacks, verbose, initialEpoch, disposeValidationTargets: false);
    }

    static Tensor LabelsOf(TextDataset data, string argument) =>
        data.Labels is null ? throw Check.Invalid(argument, "a dataset without labels", "a labelled dataset (labelMode \"int\", \"categorical\" or \"binary\")")
            : data.LabelTensor();

    /// <summary>Evaluates on raw strings (vectorized by the model's first layer, a <see cref="Layers.TextVectorization"/>).</summary>
    /// <example><code>var scores = model.Evaluate(testTexts, testLabels);</code></example>
    public IReadOnlyDictionary<string, double> Evaluate(string[] x, Array y, int batchSize = 32, int verbose = 1)
    {
        EnsureCompiled(nameof(Evaluate));
        using var ty = Data.ArrayConverter.ToTensor(y, nameof(y));
        return Evaluate(x, ty, batchSize, verbose);
    }

    IReadOnlyDictionary<string, double> Evaluate(string[] x, Tensor y, int batchSize, int verbose)
    {
        EnsureCompiled(nameof(Evaluate));
        using var tx = VectorizeText(x, nameof(x));
        return Evaluate(tx, y, batchSize, verbose);
    }

    /// <summary>Evaluates on a labelled <see cref="TextDataset"/>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(TextDataset data, int verbose = 1)
    {
        EnsureCompiled(nameof(Evaluate));
        ArgumentNullException.ThrowIfNull(data);
        using var y = LabelsOf(data, nameof(data));
        return Evaluate(data.Texts.ToArray(), y, data.BatchSize, verbose);
    }

    /// <summary>
    /// The model's outputs for raw strings, vectorized on the host by its first layer (a
    /// <see cref="Layers.TextVectorization"/>): probabilities for classifiers, shape [N, outputs].
    /// </summary>
    /// <example><code>Tensor p = model.Predict(new[] { "WIN a free cruise!!!", "Minutes of Tuesday's meeting" });</code></example>
    public Tensor Predict(string[] x, int batchSize = 32, int verbose = 0)
    {
        using var tx = VectorizeText(x, nameof(x));
        return Predict(tx, batchSize, verbose);
    }

    /// <summary>The model's outputs for the texts of a <see cref="TextDataset"/> (its labels, if any, are ignored).</summary>
    public Tensor Predict(TextDataset data, int verbose = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Predict(data.Texts.ToArray(), data.BatchSize, verbose);
    }
}
