using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Layers;
using Deepen.Losses;
using Deepen.Metrics;
using Deepen.MixedPrecision;
using Deepen.Optimizers;
using Deepen.Saving;
using Deepen.Training;
using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Deepen.Models;

/// <summary>
/// A model: a functional graph of layers (<c>new Model(inputs, outputs)</c>, see <see cref="KerasTensor"/>) or,
/// through subclasses such as <see cref="Sequential"/>, another architecture; with Keras's workflow: <see cref="Compile(OptimizerSpec, LossSpec, IEnumerable{object}, DTypePolicy)"/>, <c>Fit</c>, <c>Evaluate</c>,
/// <c>Predict</c>, <see cref="Summary"/>, <see cref="Save"/> and <see cref="Load"/>. Inputs and outputs use Keras's
/// layout (batch first, channels last).
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new Conv2D(32, (3, 3), activation: "relu", inputShape: (28, 28, 1)),
///     new MaxPooling2D((2, 2)),
///     new Flatten(),
///     new Dense(10, activation: "softmax"));
/// model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
/// var history = model.Fit(xTrain, yTrain, epochs: 3, validationSplit: 0.1);
/// var scores = model.Evaluate(xTest, yTest);           // {"accuracy": 0.98, "loss": 0.05}
/// model.Save("mnist.deepen");
/// var again = Model.Load("mnist.deepen");
/// </code></example>
public partial class Model : IDisposable
{
    List<Parameter>? _boundParameters;
    Device _device = Backend.Device;

    /// <summary>Names the model.</summary>
    protected Model(string? name) => Name = name ?? Layer.ToSnakeCase(GetType().Name);

    /// <summary>The model's name, shown by <see cref="Summary"/>.</summary>
    public string Name { get; set; }
    /// <summary>The layers, in order.</summary>
    public virtual IReadOnlyList<Layer> Layers => Graph.Layers;
    /// <summary>The input shape (without batch), once known.</summary>
    public virtual Shape? InputShape => Graph.Inputs.Count == 1 ? Graph.Inputs[0].Shape : null;
    /// <summary>The output shape (without batch), once built.</summary>
    public virtual Shape? OutputShape => Graph.Outputs.Count == 1 ? Graph.Outputs[0].Shape : null;
    /// <summary>Whether all weights exist.</summary>
    public virtual bool Built => Graph is not null;
    /// <summary>Creates all weights for inputs of <paramref name="inputShape"/> (batch excluded).</summary>
    public virtual void Build(Shape inputShape) => BuildFunctional(inputShape);

    /// <summary>Runs the layers; with <paramref name="logits"/> the final sigmoid/softmax is left out.</summary>
    internal virtual Tensor Forward(Tensor x, bool training, bool logits) => ForwardFunctional(x, training, logits);

    /// <summary>The named activation the model ends with (its last layer's), if any.</summary>
    internal virtual string? FinalActivation => _graph is not null ? _graph.FinalActivation(0) : Layers.Count == 0 ? null : Layers[^1].FinalActivation;

    /// <summary>The configuration that rebuilds this model's architecture (saved as JSON).</summary>
    public virtual LayerConfig GetConfig() => FunctionalConfig.Get(this, Graph);

    /// <summary>
    /// Optional names of the output classes, in index order (e.g. an image generator's class folders). Saved with
    /// the model, so tools that load it (reports, the CLI) can show names instead of indices.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; set; }

    /// <summary>The device the weights live on.</summary>
    public Device Device => _device;

    /// <summary>Set by callbacks to stop <c>Fit</c> after the current batch or epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>Set by a callback in <c>OnTrainBegin</c> (Keras's <c>model._initial_epoch</c>, e.g. <see cref="Callbacks.BackupAndRestore"/>) to start <c>Fit</c> at a later epoch.</summary>
    internal int? InitialEpochFromCallback { get; set; }

    /// <summary>The optimizer given to <see cref="Compile(OptimizerSpec, LossSpec, IEnumerable{object}, DTypePolicy)"/>.</summary>
    public Optimizer? Optimizer { get; private set; }
    /// <summary>The loss given to <see cref="Compile(OptimizerSpec, LossSpec, IEnumerable{object}, DTypePolicy)"/>.</summary>
    public Loss? Loss { get; private set; }
    /// <summary>The metrics given to <see cref="Compile(OptimizerSpec, LossSpec, IEnumerable{object}, DTypePolicy)"/> (names or <see cref="Metric"/> objects).</summary>
    public IReadOnlyList<object> CompiledMetrics { get; private set; } = Array.Empty<object>();
    /// <summary>Whether <see cref="Compile(OptimizerSpec, LossSpec, IEnumerable{object}, DTypePolicy)"/> has been called.</summary>
    public bool IsCompiled => Optimizer is not null && Loss is not null;

    /// <summary>All weights of all layers.</summary>
    public IEnumerable<Weight> Weights => Layers.SelectMany(l => l.Weights);
    /// <summary>Total scalars in all weights.</summary>
    public long CountParams() => Layers.Sum(l => l.CountParams());

    /// <summary>
    /// Configures training, as Keras's <c>compile</c>. Names: optimizers sgd, adam, adamw, rmsprop; losses mse,
    /// mae, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy; metrics accuracy,
    /// precision, recall, auc. When the model ends in sigmoid/softmax and the loss is a cross-entropy, the loss is
    /// computed from logits for numerical stability (the reported values are the same).
    /// </summary>
    /// <param name="optimizer">A name or an <see cref="Optimizers.Optimizer"/>.</param>
    /// <param name="loss">A name or a <see cref="Losses.Loss"/>.</param>
    /// <param name="metrics">Metric names and/or <see cref="Metric"/> objects.</param>
    /// <param name="dtypePolicy">The precision policy: "float32" or "mixed_bfloat16" (see <see cref="MixedPrecision.DTypePolicy"/>);
    /// null keeps the model's policy, which starts as <see cref="MixedPrecision.DTypePolicy.Global"/>.</param>
    public void Compile(OptimizerSpec optimizer, LossSpec loss, IEnumerable<object>? metrics = null, DTypePolicy? dtypePolicy = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        var list = (metrics ?? Array.Empty<object>()).ToList();
        foreach (var m in list)
        {
            if (m is string s) MetricRegistry.Validate(s);
            else if (m is not Metric)
                throw Check.Invalid("metrics", m?.GetType().Name, "metric names (strings) or Metric objects");
        }
        Optimizer?.Dispose();
        Optimizer = optimizer.Value;
        Loss = loss.Value;
        CompiledMetrics = list;
        _losses = null;
        _lossWeights = null;
        if (dtypePolicy is not null) DTypePolicy = dtypePolicy;
        _boundParameters = null;
    }

    /// <summary>
    /// The precision the model computes in: float32, or mixed_bfloat16 (bf16 convolutions and matrix products, float32
    /// weights, optimizer state and loss). Applies to Fit, Evaluate, Predict and Call. Defaults to
    /// <see cref="MixedPrecision.DTypePolicy.Global"/> at construction; set it directly or through <see cref="Compile(OptimizerSpec, LossSpec, IEnumerable{object}, DTypePolicy)"/>.
    /// </summary>
    public DTypePolicy DTypePolicy { get; set; } = DTypePolicy.Global;

    /// <summary>
    /// Runs <see cref="Forward"/> under the model's precision policy; the output is float32 whatever the policy.
    /// </summary>
    internal Tensor Run(Tensor x, bool training, bool logits)
    {
        if (!DTypePolicy.IsMixed) return Forward(x, training, logits);
        using var autocast = Autocast.Enter(DTypePolicy);
        var y = Forward(x, training, logits);
        if (y.dtype == ScalarType.Float32) return y;
        using (y) return y.to(ScalarType.Float32);
    }

    internal Func<Tensor, Tensor> FinalActivationFunction => Activations.Activations.Get(FinalActivation);

    /// <summary>Calls the model on a batch (Keras layout); returns the outputs (probabilities for classifiers).</summary>
    public Tensor Call(Tensor x, bool training = false)
    {
        EnsureBuiltFor(x, "x");
        using var input = x.device == Device ? x.alias() : x.to(Device);
        return Run(input, training, logits: false);
    }

    /// <summary>Builds from a data tensor's shape, or checks the shape against the built model.</summary>
    internal void EnsureBuiltFor(Tensor x, string argument)
    {
        var shape = x.shape;
        if (!Built)
        {
            if (shape.Length < 2)
                throw Check.Invalid(argument, "a tensor of shape (" + string.Join(", ", shape) + ")", "a batch: a tensor whose first dimension is the batch");
            Build(new Shape(shape.Skip(1).Select(d => (int)d).ToArray()));
            return;
        }
        if (_graph is not null && (_graph.Inputs.Count > 1 || _graph.Outputs.Count > 1))
            throw new ArgumentException(
                $"Model \"{Name}\" has {_graph.Inputs.Count} input(s) and {_graph.Outputs.Count} output(s); use the overloads of Fit, Evaluate, Predict and Call that take arrays (Tensor[]), one tensor per input and per output. Received a single tensor for `{argument}`.", argument);
        var expected = InputShape!;
        if (shape.Length != expected.Rank + 1 || !shape.Skip(1).Select(d => (int)d).SequenceEqual(expected))
            throw new ArgumentException(
                $"Input 0 of layer \"{Name}\" is incompatible with the layer: expected shape={expected.ToBatchString()}, found shape=({string.Join(", ", shape)}). Received argument `{argument}`.", argument);
    }

    /// <summary>
    /// Copies of all weights in <see cref="Weights"/> order and in Keras's layouts (Keras's <c>get_weights()</c>):
    /// a Dense kernel is (in, units), a Conv2D kernel (kh, kw, in, out), an LSTM kernel (features, 4·units).
    /// </summary>
    /// <example><code>var kernel = model.GetWeights()[0]; // (in, units) for a first Dense layer</code></example>
    public List<Tensor> GetWeights() => Weights.Select(w => w.KerasValue()).ToList();

    /// <summary>
    /// Assigns all weights from a list in <see cref="Weights"/> order and in Keras's layouts (Keras's
    /// <c>set_weights()</c>), so weights read from a Keras model load as they are.
    /// </summary>
    /// <example><code>model.SetWeights([kernelInUnits, bias]);</code></example>
    public void SetWeights(IReadOnlyList<Tensor> values)
    {
        var weights = CheckCount(values);
        for (int i = 0; i < weights.Count; i++) weights[i].AssignKeras(values[i]);
    }

    /// <summary>Copies of all weights in LibTorch's layouts (a Dense kernel (units, in), a Conv2D kernel (out, in, kh, kw)).</summary>
    /// <example><code>var saved = model.GetWeightsTorchLayout(); /* … */ model.SetWeightsTorchLayout(saved);</code></example>
    public List<Tensor> GetWeightsTorchLayout()
    {
        using var _ = no_grad();
        return Weights.Select(w => w.Value.detach().clone()).ToList();
    }

    /// <summary>Assigns all weights from a list in LibTorch's layouts, in <see cref="Weights"/> order.</summary>
    /// <example><code>model.SetWeightsTorchLayout(other.GetWeightsTorchLayout());</code></example>
    public void SetWeightsTorchLayout(IReadOnlyList<Tensor> values)
    {
        var weights = CheckCount(values);
        for (int i = 0; i < weights.Count; i++) weights[i].Assign(values[i]);
    }

    List<Weight> CheckCount(IReadOnlyList<Tensor> values)
    {
        var weights = Weights.ToList();
        if (values.Count != weights.Count)
            throw Check.Invalid(nameof(values), $"{values.Count} tensors", $"{weights.Count} tensors, one per weight");
        return weights;
    }

    /// <summary>Moves the weights (and later batches) to <paramref name="device"/>, e.g. <c>torch.CUDA</c>.</summary>
    public Model To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        foreach (var l in Layers) l.MoveTo(device);
        _device = device;
        _boundParameters = null;
        return this;
    }

    /// <summary>
    /// Writes the model to one file: architecture (JSON), weights (safetensors layout) and, by default, the
    /// optimizer state. The write is atomic: a crash leaves the old file or the new one, never half of one.
    /// </summary>
    public void Save(string path, bool includeOptimizer = true) => ModelFile.Save(this, path, includeOptimizer);

    /// <summary>
    /// Reads a model written by <see cref="Save"/>. Only known layer classes are constructed (no code runs from
    /// the file); a truncated, corrupted or edited file raises a <see cref="ModelFileException"/> saying what is wrong.
    /// </summary>
    /// <param name="path">The .deepen file.</param>
    /// <param name="compile">Restore the loss, metrics and optimizer saved with the model.</param>
    /// <param name="includeOptimizer">Restore the optimizer's state; false leaves <c>optimizer.bin</c> unread (inference needs no optimizer).</param>
    public static Model Load(string path, bool compile = true, bool includeOptimizer = true) => ModelFile.Load(path, compile, includeOptimizer);

    internal void RestoreCompile(Optimizer optimizer, Loss loss, IReadOnlyList<object> metrics)
    {
        Optimizer = optimizer;
        Loss = loss;
        CompiledMetrics = metrics;
        _boundParameters = null;
    }

    /// <summary>Releases the optimizer's native state.</summary>
    public void Dispose()
    {
        Optimizer?.Dispose();
        GC.SuppressFinalize(this);
    }
}
