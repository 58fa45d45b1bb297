using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Metrics;
using Deepen.Training;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Models;

public partial class Model
{
    /// <summary>
    /// Trains a functional model with several inputs and/or outputs, as Keras's <c>fit([x1, x2], [y1, y2])</c>: one
    /// tensor per input and one target tensor per output, in <see cref="Inputs"/> and <see cref="Outputs"/> order.
    /// The loss is the (weighted) sum of the outputs' losses; History holds <c>loss</c> and, with several outputs,
    /// <c>&lt;output&gt;_loss</c> and <c>&lt;output&gt;_&lt;metric&gt;</c>.
    /// </summary>
    /// <param name="x">One tensor per input, batch first.</param>
    /// <param name="y">One target tensor per output.</param>
    /// <param name="epochs">Index of the last epoch.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="validationSplit">Fraction of the samples, from the end, held out for validation.</param>
    /// <param name="validationData">Separate validation inputs and targets (overrides the split).</param>
    /// <param name="shuffle">Reshuffle the training samples each epoch.</param>
    /// <param name="callbacks">Callbacks such as <see cref="EarlyStopping"/>.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="initialEpoch">Epoch to resume from.</param>
    /// <example><code>
    /// model.Compile("adam", ["sparse_categorical_crossentropy", "mse"], ["accuracy"]);
    /// var history = model.Fit([images, features], [labels, scores], epochs: 5);
    /// double digitLoss = history["digit_loss"][^1];
    /// </code></example>
    public History Fit(Tensor[] x, Tensor[] y, int epochs = 1, int batchSize = 32, double validationSplit = 0.0,
        (Tensor[] X, Tensor[] Y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, int initialEpoch = 0)
    {
        EnsureCompiled(nameof(Fit));
        CheckEpochs(epochs, initialEpoch, verbose);
        Check.Positive(batchSize, nameof(batchSize));
        Check.Fraction(validationSplit, nameof(validationSplit));
        CheckData(x, y, "x", "y");
        if (validationData is (Tensor[] vx, Tensor[] vy)) CheckData(vx, vy, "validationData.X", "validationData.Y");
        var (train, validation) = DataAdapter.ForFit(x, y, null, batchSize, shuffle, validationSplit,
            validationData is (Tensor[] tvx, Tensor[] tvy) ? (tvx, tvy) : null);
        return new Trainer(this).Fit(train, epochs, validation, null, callbacks, verbose, initialEpoch);
    }

    /// <summary>Evaluates a model with several inputs and/or outputs; returns <c>loss</c>, per-output losses and metrics.</summary>
    /// <example><code>var scores = model.Evaluate([xa, xb], [y]); Console.WriteLine(scores["accuracy"]);</code></example>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor[] x, Tensor[] y, int batchSize = 32, int verbose = 1)
    {
        EnsureCompiled(nameof(Evaluate));
        CheckData(x, y, "x", "y");
        if (verbose is < 0 or > 2) throw Check.Invalid(nameof(verbose), verbose, "0 (silent), 1 (progress bar) or 2 (one line per epoch)");
        return new Trainer(this).Evaluate(DataAdapter.InOrder(x, y, batchSize), verbose);
    }

    /// <summary>The outputs of a functional model for one tensor per input, in inference mode, on the CPU: one tensor per output.</summary>
    /// <example><code>Tensor[] predictions = model.Predict([xa, xb]);</code></example>
    public Tensor[] Predict(Tensor[] x, int batchSize = 32)
    {
        CheckInputs(x, "x");
        foreach (var (t, i) in x.Select((t, i) => (t, i))) CheckFinite(t, $"x[{i}]");
        return new Trainer(this).Predict(DataAdapter.InOrder(x, null, batchSize), verbose: 0);
    }

    void CheckData(Tensor[] x, Tensor[] y, string xName, string yName)
    {
        ArgumentNullException.ThrowIfNull(x, xName);
        ArgumentNullException.ThrowIfNull(y, yName);
        CheckInputs(x, xName);
        var g = Graph;
        if (y.Length != g.Outputs.Count)
            throw new ArgumentException(
                $"Model \"{Name}\" has {g.Outputs.Count} output(s) ({string.Join(", ", OutputNames)}), but `{yName}` holds {y.Length} target tensors.", yName);
        if (CompiledMetrics.Any(m => m is Metric) && g.Outputs.Count > 1)
            throw new InvalidOperationException("Metric objects cannot be shared by several outputs; compile with metric names (e.g. \"accuracy\"), which are created per output.");
        for (int i = 0; i < x.Length; i++) CheckFinite(x[i], $"{xName}[{i}]");
        var losses = Losses;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] is null) throw new ArgumentNullException(yName, $"Target {i} of `{yName}` is null.");
            CheckSameLength(x[0], y[i], $"{xName}[0]", $"{yName}[{i}]");
            losses[i].ValidateTargets(y[i], g.Outputs[i].Shape, $"{yName}[{i}]");
        }
    }
}
