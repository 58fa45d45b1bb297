using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Turns integer ids into dense vectors, as Keras's Embedding: [batch, time] ids → [batch, time, outputDim]. With
/// <c>maskZero</c>, id 0 is padding: the layer emits a mask (true where the id is not 0) that recurrent, pooling and
/// attention layers downstream respect, so the vocabulary must then reserve index 0 (<c>inputDim</c> = vocabulary
/// size + 1). Float inputs holding whole numbers are accepted and cast to int64.
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new Embedding(inputDim: 10000, outputDim: 32, maskZero: true, inputLength: 200),
///     new LSTM(32),
///     new Dense(1, activation: "sigmoid"));
/// model.Fit(ids, labels);          // ids: int[n, 200], 0 = padding
/// </code></example>
public sealed class Embedding : Layer
{
    Weight? _embeddings;

    /// <param name="inputDim">Vocabulary size: ids must lie in [0, inputDim).</param>
    /// <param name="outputDim">Size of each vector.</param>
    /// <param name="embeddingsInitializer">Initializer name; Keras's default "uniform" draws from U(-0.05, 0.05).</param>
    /// <param name="maskZero">Whether id 0 is padding that downstream layers skip.</param>
    /// <param name="inputLength">Optional fixed sequence length (Keras 2's <c>input_length</c>); sets the input shape.</param>
    /// <param name="embeddingsRegularizer">The table's penalty in the loss ("l2", a <see cref="Regularizer"/>), or null.</param>
    /// <param name="activityRegularizer">The output's penalty in the loss (divided by the batch size), or null.</param>
    /// <param name="embeddingsConstraint">The table's projection after each optimizer step, or null.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, e.g. (200) for sequences of 200 ids, for the first layer of a model.</param>
    public Embedding(int inputDim, int outputDim, string embeddingsInitializer = "uniform", bool maskZero = false,
        int? inputLength = null, Regularizer? embeddingsRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? embeddingsConstraint = null, string? name = null, Shape? inputShape = null)
        : base(name, inputShape ?? (inputLength is int n ? new Shape(Check.Positive(n, nameof(inputLength))) : null))
    {
        InputDim = Check.Positive(inputDim, nameof(inputDim));
        OutputDim = Check.Positive(outputDim, nameof(outputDim));
        EmbeddingsInitializer = Initializers.Resolve(embeddingsInitializer, nameof(embeddingsInitializer));
        MaskZero = maskZero;
        InputLength = inputLength;
        EmbeddingsRegularizer = embeddingsRegularizer;
        ActivityRegularizer = activityRegularizer;
        EmbeddingsConstraint = embeddingsConstraint;
        if (maskZero && inputDim < 2)
            throw Check.Invalid(nameof(inputDim), inputDim, "at least 2 with maskZero=true (id 0 is reserved for padding)");
    }

    /// <summary>The vocabulary size (Keras's <c>input_dim</c>): ids must lie in [0, InputDim).</summary>
    public int InputDim { get; }
    /// <summary>The size of each embedding vector (Keras's <c>output_dim</c>).</summary>
    public int OutputDim { get; }
    /// <summary>The initializer name of the table (Keras's <c>embeddings_initializer</c>, default <c>"uniform"</c>, U(-0.05, 0.05)).</summary>
    public string EmbeddingsInitializer { get; }
    /// <summary>Whether id 0 is padding: the layer then emits a mask that is false where the id is 0 (Keras's <c>mask_zero</c>, default false).</summary>
    public bool MaskZero { get; }
    /// <summary>The fixed sequence length given (Keras 2's <c>input_length</c>), or null when none was given.</summary>
    public int? InputLength { get; }
    /// <summary>The table's penalty in the loss, or null.</summary>
    public Regularizer? EmbeddingsRegularizer { get; }
    /// <summary>The table's constraint, or null.</summary>
    public Constraint? EmbeddingsConstraint { get; }

    /// <summary>The table of vectors, [inputDim, outputDim] (the same layout in Keras and TorchSharp).</summary>
    public Weight Embeddings => _embeddings ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape) =>
        _embeddings = AddWeight("embeddings", new long[] { InputDim, OutputDim }, EmbeddingsInitializer, InputDim, OutputDim,
            regularizer: EmbeddingsRegularizer, constraint: EmbeddingsConstraint);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(inputShape.Append(OutputDim).ToArray());

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var scope = NewDisposeScope();
        var ids = Ids(inputs);
        var flat = Embeddings.Value.index_select(0, ids.flatten());
        return flat.view(inputs.shape.Append(OutputDim).ToArray()).MoveToOuterDisposeScope();
    }

    Tensor Ids(Tensor inputs)
    {
        var ids = inputs.dtype == ScalarType.Int64 ? inputs : inputs.to_type(ScalarType.Int64);
        if (inputs.is_floating_point())
        {
            using var fractional = (inputs != inputs.floor()).any();
            if (fractional.item<bool>())
                throw new ArgumentException($"Layer \"{Name}\" (Embedding) expects integer ids; received {inputs.dtype} values with fractions.", nameof(inputs));
        }
        if (ids.numel() > 0)
        {
            long min = ids.min().item<long>(), max = ids.max().item<long>();
            if (min < 0 || max >= InputDim)
                throw new ArgumentException(
                    $"Layer \"{Name}\" (Embedding) received id {(min < 0 ? min : max)}, outside [0, inputDim={InputDim}). " +
                    "Make inputDim the vocabulary size (plus 1 when 0 is padding).", nameof(inputs));
        }
        return ids;
    }

    /// <summary>With <see cref="MaskZero"/>, true where the id is not 0 (a real token); otherwise none.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => MaskZero ? inputs.ne(0) : null;

    /// <inheritdoc/>
    public override LayerConfig GetConfig()
    {
        var c = base.GetConfig().Set("input_dim", InputDim).Set("output_dim", OutputDim)
            .Set("embeddings_initializer", EmbeddingsInitializer).Set("mask_zero", MaskZero)
            .Set("embeddings_regularizer", EmbeddingsRegularizer?.ToJson()).Set("embeddings_constraint", EmbeddingsConstraint?.ToJson());
        if (InputLength is int n) c.Set("input_length", n);
        return c;
    }
}
