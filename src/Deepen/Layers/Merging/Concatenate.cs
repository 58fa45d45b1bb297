using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Concatenates a list of inputs along <see cref="Axis"/> (Keras's <c>Concatenate</c>). All shapes must match
/// except along that axis. The axis counts the batch dimension, as in Keras: -1 is the last axis (features or
/// channels), 1 the first axis after the batch.
/// </summary>
/// <example><code>
/// var a = new Input(8);
/// var b = new Input(3);
/// var both = new Concatenate().Call(a, b);   // shape (None, 11)
/// </code></example>
public sealed class Concatenate : Merge
{
    /// <param name="axis">The concatenation axis, batch included (-1 = last); the batch axis 0 is not allowed.</param>
    /// <param name="name">Layer name.</param>
    public Concatenate(int axis = -1, string? name = null) : base(name)
    {
        if (axis == 0) throw Utils.Check.Invalid(nameof(axis), axis, "a non-batch axis (-1 for the last axis, or 1, 2, …)");
        Axis = axis;
    }

    /// <summary>The concatenation axis (batch included).</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    protected override int MinInputs => 1;

    /// <summary>The axis among a shape's dimensions without batch, or -1 when out of range.</summary>
    int ShapeAxis(int rank) => Axis < 0 ? (rank + Axis >= 0 ? rank + Axis : -1) : (Axis - 1 < rank ? Axis - 1 : -1);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < 1)
            throw new ArgumentException($"A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape={ShapesText(inputShapes)}");
        int rank = inputShapes[0].Rank;
        int axis = ShapeAxis(rank);
        if (axis < 0)
            throw Utils.Check.Invalid("axis", Axis, $"an axis within the inputs' rank {rank + 1} (batch included)");
        var output = inputShapes[0].ToArray();
        for (int i = 1; i < inputShapes.Count; i++)
        {
            var s = inputShapes[i];
            bool match = s.Rank == rank && Enumerable.Range(0, rank).All(d => d == axis || s[d] == output[d]);
            if (!match)
                throw new ArgumentException(
                    $"A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape={ShapesText(inputShapes)}");
            output[axis] += s[axis];
        }
        return new Shape(output);
    }

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckCount(inputs.Count);
        return MergeFunction(inputs);
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs) =>
        inputs.Count == 1 ? inputs[0].alias() : cat(inputs.ToArray(), Axis);

    /// <summary>
    /// The output mask: masks [batch, time] are joined along time when concatenating along the time axis (axis 1 of
    /// a sequence), a missing one counting as all true; otherwise they are combined with a logical AND.
    /// </summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.All(m => m is null)) return null;
        bool alongTime = inputs[0].dim() >= 3 && ShapeAxis((int)inputs[0].dim() - 1) == 0;
        if (!alongTime) return base.ComputeMask(inputs, masks);
        using var scope = NewDisposeScope();
        var parts = inputs.Select((t, i) => masks[i] ?? ones(t.shape[0], t.shape[1], dtype: ScalarType.Bool, device: t.device)).ToArray();
        return cat(parts, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("axis", Axis);
}
