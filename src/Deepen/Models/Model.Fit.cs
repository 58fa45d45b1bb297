using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Training;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Models;

public partial class Model
{
    /// <summary>
    /// Trains on in-memory tensors, as Keras's <c>fit</c>. <paramref name="validationSplit"/> holds out the last
    /// fraction of the samples (before shuffling), as Keras does.
    /// </summary>
    /// <param name="x">Inputs, batch first, in Keras layout (e.g. [N, 28, 28, 1]).</param>
    /// <param name="y">Targets: labels [N], one-hot [N, classes] or values [N, outputs].</param>
    /// <param name="epochs">Index of the last epoch (training runs from <paramref name="initialEpoch"/>).</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="validationSplit">Fraction of the data, from the end, used only for validation.</param>
    /// <param name="validationData">Separate validation inputs and targets (overrides the split).</param>
    /// <param name="shuffle">Reshuffle the training samples each epoch.</param>
    /// <param name="classWeight">Loss weight per class index, for imbalanced data.</param>
    /// <param name="callbacks">Callbacks such as <see cref="EarlyStopping"/>.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="initialEpoch">Epoch to resume from.</param>
    /// <param name="sampleWeight">Optional per-sample loss weights [N].</param>
    /// <returns>The per-epoch history of the loss and metrics.</returns>
    /// <example><code>var history = model.Fit(x, y, epochs: 10, batchSize: 32, validationSplit: 0.2);</code></example>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0.0,
        (Tensor X, Tensor Y)? validationData = null, bool shuffle = true, IDictionary<int, double>? classWeight = null,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0, Tensor? sampleWeight = null)
    {
        EnsureCompiled(nameof(Fit));
        Distributed.DataParallel.Prepare(); // Distributed: unseeded ranks agree on a seed before the data is shuffled
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        CheckEpochs(epochs, initialEpoch, verbose);
        Check.Positive(batchSize, nameof(batchSize));
        Check.Fraction(validationSplit, nameof(validationSplit));
        CheckStatefulShuffle(shuffle);
        CheckSameLength(x, y, "x", "y");
        CheckFinite(x, "x");
        EnsureBuiltFor(x, "x");
        Loss!.ValidateTargets(y, OutputShape!, "y");

        if (validationData is (Tensor vx, Tensor vy))
        {
            CheckSameLength(vx, vy, "validationData.X", "validationData.Y");
            CheckFinite(vx, "validationData.X");
            EnsureBuiltFor(vx, "validationData.X");
            Loss.ValidateTargets(vy, OutputShape!, "validationData.Y");
        }
        var (train, validation) = DataAdapter.ForFit(new[] { x }, new[] { y }, sampleWeight, batchSize, shuffle, validationSplit,
            validationData is (Tensor tvx, Tensor tvy) ? (new[] { tvx }, new[] { tvy }) : null);
        return new Trainer(this).Fit(train, epochs, validation, classWeight, callbacks, verbose, initialEpoch);
    }

    /// <summary>Trains on plain .NET arrays (float[,,,] images, float[,] features, int[] labels, …).</summary>
    /// <example><code>model.Fit(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, new float[] { 0, 1, 1, 0 }, epochs: 500, verbose: 0);</code></example>
    public History Fit(Array x, Array y, int epochs = 1, int batchSize = 32, double validationSplit = 0.0,
        (Array X, Array Y)? validationData = null, bool shuffle = true, IDictionary<int, double>? classWeight = null,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0, Array? sampleWeight = null)
    {
        EnsureCompiled(nameof(Fit));
        using var tx = ArrayConverter.ToTensor(x, nameof(x));
        using var ty = ArrayConverter.ToTensor(y, nameof(y));
        using var tw = sampleWeight is null ? null : ArrayConverter.ToTensor(sampleWeight, nameof(sampleWeight));
        if (validationData is (Array vx, Array vy))
        {
            using var tvx = ArrayConverter.ToTensor(vx, "validationData.X");
            using var tvy = ArrayConverter.ToTensor(vy, "validationData.Y");
            return Fit(tx, ty, epochs, batchSize, 0, (tvx, tvy), shuffle, classWeight, callbacks, verbose, initialEpoch, tw);
        }
        return Fit(tx, ty, epochs, batchSize, validationSplit, null, shuffle, classWeight, callbacks, verbose, initialEpoch, tw);
    }

    /// <summary>Trains on a batch source such as an image-folder generator: <c>model.Fit(generator, epochs: 10)</c>.</summary>
    public History Fit(IBatchSource data, int epochs = 1, IBatchSource? validationData = null,
        IDictionary<int, double>? classWeight = null, IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
    {
        EnsureCompiled(nameof(Fit));
        ArgumentNullException.ThrowIfNull(data);
        CheckEpochs(epochs, initialEpoch, verbose);
        return new Trainer(this).Fit(data, epochs, validationData, classWeight, callbacks, verbose, initialEpoch);
    }

    /// <summary>Returns the loss and each compiled metric on the given data, by name (Keras's <c>return_dict=True</c>).</summary>
    /// <example><code>var scores = model.Evaluate(xTest, yTest); Console.WriteLine(scores["accuracy"]);</code></example>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32, int verbose = 1)
    {
        EnsureCompiled(nameof(Evaluate));
        CheckSameLength(x, y, "x", "y");
        CheckFinite(x, "x");
        EnsureBuiltFor(x, "x");
        Loss!.ValidateTargets(y, OutputShape!, "y");
        return new Trainer(this).Evaluate(DataAdapter.InOrder(new[] { x }, new[] { y }, batchSize), verbose);
    }

    /// <summary>
    /// The compiled loss of <paramref name="x"/> against <paramref name="y"/> plus the model's regularization penalties,
    /// as a differentiable scalar — what a training step of <c>Fit</c> minimizes and what <c>Evaluate</c> reports
    /// (Keras 3's <c>Model.compute_loss</c>). For custom training loops and solvers; a softmax or sigmoid output with a
    /// cross-entropy is computed from its logits, as in <c>Fit</c>.
    /// </summary>
    /// <param name="x">A batch of inputs.</param>
    /// <param name="y">Its targets, as <c>Fit</c> takes them.</param>
    /// <param name="training">Whether layers run in training mode (dropout on), as in <c>Fit</c>; Keras's default.</param>
    /// <example><code>
    /// using var loss = model.ComputeLoss(x, y);
    /// loss.backward();                       // gradients on model.TrainableWeights
    /// </code></example>
    public Tensor ComputeLoss(Tensor x, Tensor y, bool training = true)
    {
        EnsureCompiled(nameof(ComputeLoss));
        CheckSameLength(x, y, "x", "y");
        CheckFinite(x, "x");
        EnsureBuiltFor(x, "x");
        Loss!.ValidateTargets(y, OutputShape!, "y");
        return new Trainer(this).ComputeLoss(new[] { x }, new[] { y }, training);
    }

    /// <summary>Evaluates on plain .NET arrays.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Array x, Array y, int batchSize = 32, int verbose = 1)
    {
        EnsureCompiled(nameof(Evaluate));
        using var tx = ArrayConverter.ToTensor(x, nameof(x));
        using var ty = ArrayConverter.ToTensor(y, nameof(y));
        return Evaluate(tx, ty, batchSize, verbose);
    }

    /// <summary>Evaluates on a batch source.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IBatchSource data, int verbose = 1)
    {
        EnsureCompiled(nameof(Evaluate));
        ArgumentNullException.ThrowIfNull(data);
        return new Trainer(this).Evaluate(data, verbose);
    }

    /// <summary>
    /// The model's outputs for <paramref name="x"/> in inference mode, on the CPU: probabilities for classifiers
    /// ending in sigmoid/softmax. Shape [N, outputs…].
    /// </summary>
    /// <example><code>Tensor p = model.Predict(xTest); long[] classes = p.argmax(-1).data&lt;long&gt;().ToArray();</code></example>
    public Tensor Predict(Tensor x, int batchSize = 32, int verbose = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFinite(x, "x");
        EnsureBuiltFor(x, "x");
        return Predict(DataAdapter.InOrder(new[] { x }, null, batchSize), verbose);
    }

    /// <summary>Predicts on a plain .NET array.</summary>
    public Tensor Predict(Array x, int batchSize = 32, int verbose = 0)
    {
        using var tx = ArrayConverter.ToTensor(x, nameof(x));
        return Predict(tx, batchSize, verbose);
    }

    /// <summary>Predicts on a batch source (targets, if any, are ignored).</summary>
    public Tensor Predict(IBatchSource data, int verbose = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckVerbose(verbose);
        var outputs = new Trainer(this).Predict(data, verbose);
        if (outputs.Length == 1) return outputs[0];
        foreach (var o in outputs) o.Dispose();
        throw new ArgumentException(
            $"Model \"{Name}\" has {outputs.Length} outputs; use Predict(Tensor[]) or GetPredictions, which return one tensor per output.", nameof(data));
    }

    /// <summary>
    /// One pass over <paramref name="data"/> that keeps, for every sample, its id, the model's outputs, the
    /// probabilities, and — when the batches have targets — the targets and the per-sample loss of the compiled loss
    /// (fastai's <c>get_preds(with_loss=True)</c>). The rows follow the data, so ids always match predictions, even
    /// when an image file fails to decode and is left out.
    /// </summary>
    /// <param name="data">The samples, e.g. an image-folder iterator without shuffling.</param>
    /// <param name="withLoss">Compute the targets' per-sample losses (needs a compiled model and targets).</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line.</param>
    /// <example><code>
    /// using var preds = model.GetPredictions(testData);
    /// var worst = preds.Losses!.argsort(descending: true)[..9];       // the nine highest losses
    /// </code></example>
    public Predictions GetPredictions(IBatchSource data, bool withLoss = true, int verbose = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckVerbose(verbose);
        return new Trainer(this).Predict(data, verbose, withLoss && IsCompiled);
    }

    static void CheckVerbose(int verbose)
    {
        if (verbose is < 0 or > 2) throw Check.Invalid(nameof(verbose), verbose, "0 (silent), 1 (progress bar) or 2 (one line per epoch)");
    }

    void EnsureCompiled(string method)
    {
        if (!IsCompiled)
            throw new InvalidOperationException(
                $"You must call Compile() before {method}(). Example: model.Compile(\"adam\", \"sparse_categorical_crossentropy\", [\"accuracy\"]).");
    }

    static void CheckEpochs(int epochs, int initialEpoch, int verbose)
    {
        Check.Positive(epochs, nameof(epochs));
        if (initialEpoch < 0 || initialEpoch >= epochs)
            throw Check.Invalid(nameof(initialEpoch), initialEpoch, $"an integer in [0, epochs) with epochs={epochs}");
        if (verbose is < 0 or > 2) throw Check.Invalid(nameof(verbose), verbose, "0 (silent), 1 (progress bar) or 2 (one line per epoch)");
    }

    static void CheckSameLength(Tensor x, Tensor y, string xName, string yName)
    {
        if (x.dim() == 0 || y.dim() == 0 || x.shape[0] != y.shape[0])
            throw new ArgumentException(
                $"Data cardinality is ambiguous: `{xName}` has {(x.dim() == 0 ? 0 : x.shape[0])} samples but `{yName}` has {(y.dim() == 0 ? 0 : y.shape[0])}. Make sure all arrays contain the same number of samples.", yName);
    }

    static void CheckFinite(Tensor x, string argument)
    {
        if (!x.is_floating_point()) return;
        using var bad = x.isfinite().logical_not().sum();
        long count = bad.item<long>();
        if (count > 0)
            throw new ArgumentException(
                $"Invalid value received for argument `{argument}`: it contains {count} NaN or infinite value(s). Expected finite numbers; clean or impute the data first.", argument);
    }

    /// <summary>
    /// A stateful recurrent layer continues sample i of one batch with sample i of the next, which shuffled batches break:
    /// Keras leaves <c>shuffle=False</c> to the user; Deepen refuses to shuffle such a model.
    /// </summary>
    void CheckStatefulShuffle(bool shuffle)
    {
        if (shuffle && Layers.OfType<Deepen.Layers.RecurrentLayer>().FirstOrDefault(l => l.Stateful) is { } layer)
            throw new ArgumentException(
                $"Invalid value received for argument `shuffle`. Layer \"{layer.Name}\" is stateful: each batch continues the sequences of the previous batch, which shuffling breaks. Expected shuffle: false. Received: shuffle=true", "shuffle");
    }
}
