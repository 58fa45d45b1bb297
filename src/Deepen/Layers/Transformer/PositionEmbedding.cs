using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Learned position embeddings, as KerasHub's PositionEmbedding: for input [batch, steps, features] it returns the
/// embedding of each position, [batch, steps, features] (a table of <c>sequenceLength</c> × features, of which the
/// first <c>steps</c> rows are used). Like KerasHub, it returns the position embeddings only; add them to the inputs
/// yourself, or use <see cref="TokenAndPositionEmbedding"/>, which does both for token ids.
/// </summary>
/// <example><code>
/// var positions = new PositionEmbedding(sequenceLength: 128);
/// Tensor h = tokens + positions.Call(tokens);     // tokens: [batch, steps ≤ 128, features]
/// </code></example>
public sealed class PositionEmbedding : Layer
{
    Weight? _embeddings;

    /// <param name="sequenceLength">The longest sequence the layer can embed.</param>
    /// <param name="initializer">Initializer of the table.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, features), for the first layer of a model.</param>
    public PositionEmbedding(int sequenceLength, string initializer = "glorot_uniform", string? name = null, Shape? inputShape = null)
        : base(name, inputShape)
    {
        SequenceLength = Check.Positive(sequenceLength, nameof(sequenceLength));
        Initializer = Initializers.Resolve(initializer, nameof(initializer));
    }

    /// <summary>The longest sequence the layer can embed: the number of rows of the table (KerasHub's <c>sequence_length</c>).</summary>
    public int SequenceLength { get; }
    /// <summary>The initializer name of the table (KerasHub's <c>initializer</c>, default <c>"glorot_uniform"</c>).</summary>
    public string Initializer { get; }
    /// <summary>The table, [sequenceLength, features].</summary>
    public Weight Embeddings => _embeddings ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");

    /// <inheritdoc/>
    public override bool SupportsMasking => true;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        if (inputShape.Rank < 2)
            throw new ArgumentException($"Layer \"{Name}\" expects inputs [batch, steps, features]; received {inputShape.ToBatchString()}.");
        CheckLength(inputShape[0]);
        _embeddings = AddWeight("embeddings", new long[] { SequenceLength, inputShape[-1] }, Initializer, SequenceLength, inputShape[-1]);
    }

    void CheckLength(long steps)
    {
        if (steps > SequenceLength)
            throw new ArgumentException(
                $"Layer \"{Name}\" embeds at most sequenceLength={SequenceLength} positions; received sequences of {steps} steps.");
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (!Built) Build(new Shape(inputs.shape.Skip(1).Select(d => (int)d).ToArray()));
        long steps = inputs.shape[1];
        CheckLength(steps);
        var shape = inputs.shape.ToArray();
        shape[^1] = Embeddings.Shape[1];
        return Embeddings.Value.narrow(0, 0, steps).expand(shape);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("sequence_length", SequenceLength).Set("initializer", Initializer);
}
