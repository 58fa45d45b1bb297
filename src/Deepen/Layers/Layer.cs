using System.Text.RegularExpressions;
using Deepen.MixedPrecision;
using Deepen.Utils;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The base of every layer, with Keras's contract: the constructor stores hyper-parameters; <see cref="Build(Shape)"/>
/// creates the weights once the input shape is known; <see cref="Call(Tensor, bool)"/> computes; <see cref="ComputeOutputShape(Shape)"/>
/// infers shapes; <see cref="GetConfig"/> returns what rebuilds the layer. Shapes are Keras's, without the batch
/// dimension and channels-last for images.
/// </summary>
/// <example><code>
/// // A custom layer: y = x * scale, with one trainable scalar.
/// public sealed class Scale : Layer
/// {
///     Weight? _scale;
///     protected override void OnBuild(Shape inputShape) =>
///         _scale = AddWeight("scale", new long[] { 1 }, "ones", fanIn: 1, fanOut: 1);
///     public override Tensor Call(Tensor x, bool training = false) => x * _scale!.Value;
///     public override Shape ComputeOutputShape(Shape s) => s;
/// }
/// </code></example>
public abstract partial class Layer
{
    readonly List<Weight> _weights = new();

    /// <summary>Stores the common arguments.</summary>
    /// <param name="name">The layer's name; unique names such as "dense_1" are given when null.</param>
    /// <param name="inputShape">The input shape without the batch dimension; only the first layer needs it.</param>
    protected Layer(string? name = null, Shape? inputShape = null)
    {
        Name = name ?? "";
        InputShape = inputShape;
    }

    /// <summary>The layer's name (unique within its model).</summary>
    public string Name { get; internal set; }
    /// <summary>The input shape declared by the user, if any.</summary>
    public Shape? InputShape { get; internal set; }
    /// <summary>The input shape the layer was built for.</summary>
    public Shape? BuiltInputShape { get; private set; }
    /// <summary>The output shape, known once built.</summary>
    public Shape? OutputShape { get; private set; }
    /// <summary>Whether <see cref="Build(Shape)"/> has run.</summary>
    public bool Built { get; private set; }
    /// <summary>The Keras-style class name shown in summaries and saved configs.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>All weights, trainable first in creation order.</summary>
    public IReadOnlyList<Weight> Weights => _weights;
    /// <summary>The number of scalars in all weights (Keras's <c>count_params()</c>).</summary>
    public long CountParams() => _weights.Sum(w => w.Count);

    /// <summary>The rank (without batch) the layer's input must have, or null for any.</summary>
    protected virtual int? ExpectedInputRank => null;

    /// <summary>Creates the weights for <paramref name="inputShape"/> and returns the output shape. Runs once.</summary>
    public Shape Build(Shape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (Built)
        {
            if (!inputShape.Equals(BuiltInputShape))
                throw new ArgumentException(
                    $"Input of layer \"{Name}\" is incompatible with the layer: it was built for input shape {BuiltInputShape!.ToBatchString()}, received {inputShape.ToBatchString()}.", nameof(inputShape));
            return OutputShape!;
        }
        CheckRank(inputShape);
        OnBuild(inputShape);
        BuiltInputShape = inputShape;
        OutputShape = ComputeOutputShape(inputShape);
        Built = true;
        return OutputShape;
    }

    void CheckRank(Shape inputShape)
    {
        if (ExpectedInputRank is int rank && inputShape.Rank != rank)
            throw new ArgumentException(
                $"Input 0 of layer \"{DisplayName}\" is incompatible with the layer: expected ndim={rank + 1}, found ndim={inputShape.Rank + 1}. Full shape received: {inputShape.ToBatchString()}");
    }

    string DisplayName => Name.Length > 0 ? Name : DefaultName;

    /// <summary>Creates the layer's weights; called once by <see cref="Build(Shape)"/> with the known input shape.</summary>
    protected virtual void OnBuild(Shape inputShape) { }

    /// <summary>
    /// Computes the layer's output for a batch (Keras layout, batch first). By default this is Keras's
    /// <c>Layer.__call__</c>: under a mixed precision policy the inputs of a layer that <see cref="Autocasts"/> are cast
    /// to the compute dtype, then <see cref="Compute"/> runs, then the layer's <see cref="ActivationName"/> is applied
    /// (sigmoid/softmax in float32). Layers either override <see cref="Compute"/> (and get all of this) or this method.
    /// </summary>
    /// <param name="inputs">The input batch.</param>
    /// <param name="training">True during training (dropout and batch statistics are active).</param>
    public virtual Tensor Call(Tensor inputs, bool training = false) => Invoke(inputs, null, training, logits: false);

    /// <summary>
    /// The layer's own computation, before its activation: what a layer that does not override
    /// <see cref="Call(Tensor, bool)"/> implements. Under a mixed policy its inputs already are in the compute dtype
    /// when <see cref="Autocasts"/>; read weights through <see cref="ComputeValue"/> so they are cast too.
    /// </summary>
    /// <param name="inputs">The input batch.</param>
    /// <param name="mask">The input's mask, or null.</param>
    /// <param name="training">True during training.</param>
    protected virtual Tensor Compute(Tensor inputs, Tensor? mask, bool training) =>
        throw new InvalidOperationException($"Layer class {ClassName} must override Call(Tensor, bool) or Compute(Tensor, Tensor?, bool): the base class has no computation of its own.");

    /// <summary>The named activation the base class applies after <see cref="Compute"/> (e.g. Dense's), or null.</summary>
    protected virtual string? ActivationName => null;

    /// <summary>
    /// Whether the layer computes in the policy's compute dtype (bf16 under "mixed_bfloat16"), as Keras's layers with
    /// <c>autocast=True</c>: the heavy arithmetic (Dense, convolutions). Numerically sensitive layers keep float32.
    /// </summary>
    protected virtual bool Autocasts => false;

    /// <summary>A weight's value in the compute dtype in effect (itself outside mixed precision); differentiable.</summary>
    protected static Tensor ComputeValue(Weight weight) => Autocast.Cast(weight.Value);

    Func<Tensor, Tensor>? _activation;
    string? _activationOf;

    /// <summary>Keras's <c>__call__</c> for layers built on <see cref="Compute"/>: autocast → compute → activation.</summary>
    Tensor Invoke(Tensor inputs, Tensor? mask, bool training, bool logits)
    {
        Tensor z;
        if (Autocasts && Autocast.Dtype is not null)
        {
            using var scope = NewDisposeScope();
            z = Compute(Autocast.Cast(FloatInputs(inputs)), mask, training).MoveToOuterDisposeScope();
        }
        else z = Compute(inputs, mask, training);
        string? name = ActivationName;
        if (logits || name is null || name == "linear") return z;
        if (!ReferenceEquals(_activationOf, name)) { _activation = Activations.Activations.Get(name); _activationOf = name; }
        using (z) return Activations.Activations.IsProbability(name) ? _activation!(Autocast.ToFloat32(z)) : _activation!(z);
    }

    /// <summary>
    /// Whether the layer passes the mask of its input through unchanged (Keras's <c>supports_masking</c>), e.g.
    /// Dropout or Dense applied per time step. Layers that consume a mask (recurrent layers, pooling over time)
    /// override <see cref="Call(Tensor, Tensor?, bool)"/> and <see cref="ComputeMask(Tensor, Tensor?)"/> instead.
    /// </summary>
    public virtual bool SupportsMasking => false;

    /// <summary>
    /// The mask of this layer's output (Keras's <c>compute_mask</c>): a boolean tensor [batch, time] where true marks
    /// real (not padded) steps, or null for none. By default the input mask passes through when
    /// <see cref="SupportsMasking"/> and is dropped otherwise. <c>Embedding(maskZero: true)</c> creates one.
    /// </summary>
    /// <param name="inputs">The layer's input batch.</param>
    /// <param name="mask">The input's mask, or null.</param>
    public virtual Tensor? ComputeMask(Tensor inputs, Tensor? mask) => SupportsMasking ? mask : null;

    /// <summary>
    /// Computes the output given the input's mask (null when there is none). Models call this overload; layers that
    /// use masks (LSTM, GRU, SimpleRNN, GlobalAveragePooling1D, MultiHeadAttention, …) override it. The default
    /// ignores the mask.
    /// </summary>
    /// <param name="inputs">The input batch.</param>
    /// <param name="mask">A boolean [batch, time] tensor, true for real steps, or null.</param>
    /// <param name="training">True during training.</param>
    public virtual Tensor Call(Tensor inputs, Tensor? mask, bool training) => Call(inputs, training);

    /// <summary>The output shape for an input shape (batch dimension excluded).</summary>
    public abstract Shape ComputeOutputShape(Shape inputShape);

    /// <summary>What rebuilds this layer: the constructor's arguments as plain data.</summary>
    public virtual LayerConfig GetConfig()
    {
        var c = new LayerConfig().Set("name", Name).Set("trainable", Trainable);
        if (InputShape is not null) c.Set("input_shape", InputShape);
        if (ActivityRegularizer is not null) c.Set("activity_regularizer", ActivityRegularizer.ToJson());
        return c;
    }

    /// <summary>The activation applied last by this layer, when it is a named one (for fusing with the loss).</summary>
    internal virtual string? FinalActivation => ActivationName;

    /// <summary>The output before <see cref="FinalActivation"/> (the logits the loss can take).</summary>
    internal virtual Tensor CallWithoutActivation(Tensor inputs, Tensor? mask, bool training) =>
        ActivationName is not null ? Invoke(inputs, mask, training, logits: true)
            : mask is null ? Call(inputs, training) : Call(inputs, mask, training);

    /// <summary>
    /// The penalty on this layer's output added to the training loss (Keras's <c>activity_regularizer</c>): the
    /// regularizer's value on each batch's output divided by the batch size. Set through the constructors that take
    /// <c>activityRegularizer</c>.
    /// </summary>
    public Regularizers.Regularizer? ActivityRegularizer { get; protected init; }

    /// <summary>Adds a weight of torch layout <paramref name="shape"/>, filled by the named initializer.</summary>
    /// <param name="name">The weight's name.</param>
    /// <param name="shape">Its shape in LibTorch's layout.</param>
    /// <param name="initializer">The initializer's name.</param>
    /// <param name="fanIn">Keras's fan-in.</param>
    /// <param name="fanOut">Keras's fan-out.</param>
    /// <param name="trainable">Whether the optimizer updates it.</param>
    /// <param name="regularizer">Its penalty in the training loss, or null.</param>
    /// <param name="constraint">Its projection after each optimizer step, or null.</param>
    protected Weight AddWeight(string name, long[] shape, string initializer, long fanIn, long fanOut, bool trainable = true,
        Regularizers.Regularizer? regularizer = null, Constraints.Constraint? constraint = null)
    {
        ParameterBudget.Claim(Name, name, shape);      // before the allocation: a size from a file may be absurd
        var t = empty(shape, ScalarType.Float32, Backend.Device);
        Initializers.Fill(t, initializer, fanIn, fanOut);
        var w = new Weight(name, trainable ? new TorchSharp.Modules.Parameter(t, requires_grad: true) : t, trainable)
        {
            Regularizer = regularizer,
            Constraint = constraint,
        };
        _weights.Add(w);
        return w;
    }

    /// <summary>
    /// Makes a built inner layer's weights this layer's own, named "<paramref name="prefix"/>/name" (unchanged when the
    /// prefix is empty), for layers made of
    /// layers (Bidirectional, TimeDistributed, TransformerEncoder): they are then saved, counted, moved and trained
    /// with this layer. The weight objects are shared, not copied.
    /// </summary>
    protected void TrackLayer(Layer inner, string prefix)
    {
        ArgumentNullException.ThrowIfNull(inner);
        TrackTrainability(inner);
        foreach (var w in inner.Weights)
        {
            if (_weights.Contains(w)) continue;
            if (prefix.Length > 0) w.Name = prefix + "/" + w.Name;
            _weights.Add(w);
        }
    }

    /// <summary>
    /// The input as floating point: integer inputs (token ids, raw byte pixels) are cast to float32, as Keras casts a
    /// layer's inputs to its compute dtype; floating inputs are returned as an alias. The caller disposes the result.
    /// </summary>
    protected static Tensor FloatInputs(Tensor inputs) =>
        inputs.is_floating_point() ? inputs.alias() : inputs.to_type(ScalarType.Float32);

    internal void MoveTo(Device device)
    {
        foreach (var w in _weights) w.MoveTo(device);
    }

    /// <summary>Keras's default name for this class: Conv2D → "conv2d", MaxPooling2D → "max_pooling2d".</summary>
    internal string DefaultName => ToSnakeCase(ClassName);

    internal static string ToSnakeCase(string name)
    {
        string s = FirstWord().Replace(name, "$1_$2");
        return SecondWord().Replace(s, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z0-9]+)")] private static partial Regex FirstWord();
    [GeneratedRegex("([a-z])([A-Z])")] private static partial Regex SecondWord();

    /// <inheritdoc/>
    public override string ToString() => $"{DisplayName} ({ClassName})";
}
