using Deepen.Layers;
using Deepen.Losses;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Models;

public partial class Model
{
    readonly FunctionalGraph? _graph;
    Loss[]? _losses;
    double[]? _lossWeights;

    /// <summary>
    /// A functional model from symbolic tensors, as Keras's <c>keras.Model(inputs, outputs)</c>: the layers between
    /// the inputs and the outputs, run in topological order. Layers called more than once share their weights.
    /// Saved configs call this class "Functional", as Keras does.
    /// </summary>
    /// <param name="inputs">The model's input, made by <c>new Input(shape)</c>.</param>
    /// <param name="outputs">The model's output, returned by a layer call.</param>
    /// <param name="name">The model's name ("functional" by default).</param>
    /// <example><code>
    /// var inputs = new Input((28, 28, 1));
    /// var x = new Conv2D(16, (3, 3), padding: "same", activation: "relu").Call(inputs);
    /// var y = new Conv2D(16, (3, 3), padding: "same").Call(x);
    /// x = new Activation("relu").Call(new Add().Call(x, y));        // a residual connection
    /// x = new GlobalAveragePooling2D().Call(x);
    /// var outputs = new Dense(10, activation: "softmax").Call(x);
    /// var model = new Model(inputs, outputs);
    /// </code></example>
    public Model(KerasTensor inputs, KerasTensor outputs, string? name = null)
        : this(new[] { inputs }, new[] { outputs }, name) { }

    /// <summary>A functional model with several inputs and one output: <c>new Model([a, b], y)</c>.</summary>
    public Model(IReadOnlyList<KerasTensor> inputs, KerasTensor outputs, string? name = null)
        : this(inputs, new[] { outputs }, name) { }

    /// <summary>A functional model with one input and several outputs: <c>new Model(x, [y1, y2])</c>.</summary>
    public Model(KerasTensor inputs, IReadOnlyList<KerasTensor> outputs, string? name = null)
        : this(new[] { inputs }, outputs, name) { }

    /// <summary>A functional model with several inputs and outputs: <c>new Model([a, b], [y1, y2])</c>.</summary>
    public Model(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null)
        : this(name ?? "functional")
    {
        _graph = new FunctionalGraph(inputs, outputs);
    }

    /// <summary>Whether this is a functional model (built from symbolic tensors).</summary>
    public bool IsFunctional => _graph is not null;

    internal FunctionalGraph Graph => _graph ?? throw new InvalidOperationException(
        $"Model \"{Name}\" ({GetType().Name}) is not a functional model: a subclass of Model must override Layers, InputShape, OutputShape, Built, Build, Forward and GetConfig.");

    /// <summary>The symbolic inputs of a functional model (empty for other models).</summary>
    public IReadOnlyList<KerasTensor> Inputs => _graph?.Inputs ?? Array.Empty<KerasTensor>();
    /// <summary>The symbolic outputs of a functional model (empty for other models).</summary>
    public IReadOnlyList<KerasTensor> Outputs => _graph?.Outputs ?? Array.Empty<KerasTensor>();
    /// <summary>The names of the outputs (their layers' names), used in logs: <c>"&lt;name&gt;_loss"</c>.</summary>
    public IReadOnlyList<string> OutputNames => _graph is null ? new[] { Layers.Count > 0 ? Layers[^1].Name : Name } : _graph.Outputs.Select(t => t.Layer.Name).ToArray();

    /// <summary>The loss of each output once compiled (the same loss for every output unless one per output was given).</summary>
    public IReadOnlyList<Loss> Losses => _losses ?? (Loss is null ? Array.Empty<Loss>() : Enumerable.Repeat(Loss, Math.Max(1, Outputs.Count)).ToArray());
    /// <summary>The weight of each output's loss in the total loss (1 each by default).</summary>
    public IReadOnlyList<double> LossWeights => _lossWeights ?? Enumerable.Repeat(1.0, Math.Max(1, Outputs.Count)).ToArray();

    /// <summary>
    /// Configures training of a model with several outputs, with one loss per output (in <see cref="Outputs"/>
    /// order) and optional weights: the total loss is their weighted sum, as Keras's
    /// <c>compile(loss=[...], loss_weights=[...])</c>. Metrics are computed on every output.
    /// </summary>
    /// <example><code>model.Compile("adam", ["sparse_categorical_crossentropy", "mse"], ["accuracy"], lossWeights: [1.0, 0.5]);</code></example>
    public void Compile(OptimizerSpec optimizer, IReadOnlyList<LossSpec> loss, IEnumerable<object>? metrics = null, IReadOnlyList<double>? lossWeights = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        int outputs = Math.Max(1, Outputs.Count);
        if (loss.Count != outputs)
            throw Check.Invalid(nameof(loss), $"{loss.Count} losses", $"one loss per output ({outputs}: {string.Join(", ", OutputNames)})");
        if (loss.Any(l => l is null)) throw new ArgumentNullException(nameof(loss), "A loss is null.");
        if (lossWeights is not null)
        {
            if (lossWeights.Count != outputs)
                throw Check.Invalid(nameof(lossWeights), lossWeights, $"one weight per output ({outputs}: {string.Join(", ", OutputNames)})");
            foreach (var w in lossWeights) Check.NonNegative(w, nameof(lossWeights));
        }
        Compile(optimizer, loss[0], metrics);
        _losses = loss.Select(l => l.Value).ToArray();
        _lossWeights = lossWeights?.ToArray();
    }

    internal void RestoreLosses(Loss[]? losses, double[]? weights)
    {
        _losses = losses;
        _lossWeights = weights;
    }

    void BuildFunctional(Shape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var g = Graph;
        if (g.Inputs.Count != 1)
            throw new ArgumentException($"Model \"{Name}\" has {g.Inputs.Count} inputs; it was built from them when it was created.", nameof(inputShape));
        if (!g.Inputs[0].Shape.Equals(inputShape))
            throw new ArgumentException($"Model \"{Name}\" expects inputs of shape {g.Inputs[0].Shape.ToBatchString()}, received {inputShape.ToBatchString()}.", nameof(inputShape));
    }

    Tensor ForwardFunctional(Tensor x, bool training, bool logits)
    {
        var g = Graph;
        if (g.Inputs.Count != 1 || g.Outputs.Count != 1)
            throw new InvalidOperationException($"Model \"{Name}\" has {g.Inputs.Count} inputs and {g.Outputs.Count} outputs; call it with one tensor per input.");
        return g.Forward(new[] { x }, training, logits ? new[] { true } : null)[0];
    }

    /// <summary>
    /// Calls a functional model on one batch per input (Keras layout); returns one tensor per output
    /// (probabilities for classifiers).
    /// </summary>
    /// <example><code>Tensor[] outputs = model.Call([xImages, xFeatures]);</code></example>
    public Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        CheckInputs(inputs, "inputs");
        using var scope = NewDisposeScope();
        var moved = inputs.Select(x => x.device == Device ? x : x.to(Device)).ToArray();
        var outputs = Graph.Forward(moved, training);
        foreach (var o in outputs) o.MoveToOuterDisposeScope();
        return outputs;
    }

    /// <summary>Checks one tensor per input, each of the input's shape with a leading batch of the same size.</summary>
    internal void CheckInputs(IReadOnlyList<Tensor> inputs, string argument)
    {
        ArgumentNullException.ThrowIfNull(inputs, argument);
        var g = Graph;
        if (inputs.Count != g.Inputs.Count)
            throw new ArgumentException(
                $"Model \"{Name}\" expects {g.Inputs.Count} input(s) ({string.Join(", ", g.Inputs.Select(t => t.Layer.Name))}), but it received {inputs.Count} input tensors in `{argument}`.", argument);
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null) throw new ArgumentNullException(argument, $"Tensor {i} of `{argument}` is null.");
            var expected = g.Inputs[i].Shape;
            var shape = inputs[i].shape;
            if (shape.Length != expected.Rank + 1 || !shape.Skip(1).Select(d => (int)d).SequenceEqual(expected))
                throw new ArgumentException(
                    $"Input {i} (\"{g.Inputs[i].Layer.Name}\") of model \"{Name}\" is incompatible: expected shape={expected.ToBatchString()}, found shape=({string.Join(", ", shape)}). Received argument `{argument}`.", argument);
            if (shape[0] != inputs[0].shape[0])
                throw new ArgumentException(
                    $"Data cardinality is ambiguous: tensor 0 of `{argument}` has {inputs[0].shape[0]} samples but tensor {i} has {shape[0]}. Make sure all arrays contain the same number of samples.", argument);
        }
    }

    internal static Model FromFunctionalConfig(LayerConfig config) => FunctionalConfig.Create(config);
}
