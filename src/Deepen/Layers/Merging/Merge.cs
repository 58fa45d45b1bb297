using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The base of the element-wise merge layers (<see cref="Add"/>, <see cref="Subtract"/>, <see cref="Multiply"/>,
/// <see cref="Average"/>, <see cref="Maximum"/>, <see cref="Minimum"/>), as Keras's <c>Merge</c>: it takes a list of
/// tensors of the same shape, or shapes that broadcast (a dimension of 1 stretches; a lower-rank input gets new axes
/// after the batch axis), and combines them. The output mask is the logical AND of the input masks.
/// </summary>
public abstract class Merge : Layer
{
    /// <summary>Stores the name.</summary>
    protected Merge(string? name) : base(name) { }

    /// <inheritdoc/>
    public override bool TakesMultipleInputs => true;
    /// <inheritdoc/>
    public override bool SupportsMasking => true;

    /// <summary>The smallest number of inputs the layer accepts.</summary>
    protected virtual int MinInputs => 2;
    /// <summary>The largest number of inputs the layer accepts.</summary>
    protected virtual int MaxInputs => int.MaxValue;

    /// <summary>Combines the inputs, already brought to the same rank.</summary>
    protected abstract Tensor MergeFunction(IReadOnlyList<Tensor> inputs);

    /// <summary>Merge layers take a list of inputs; a single tensor is an error.</summary>
    public override Tensor Call(Tensor inputs, bool training = false) => throw NotAList();
    /// <summary>Merge layers take a list of inputs; a single shape is an error.</summary>
    public override Shape ComputeOutputShape(Shape inputShape) => throw NotAList();

    ArgumentException NotAList() =>
        new($"A merge layer should be called on a list of inputs. Layer \"{Name}\" ({ClassName}) received a single tensor.");

    /// <summary>Checks the number of inputs, with Keras's message.</summary>
    protected void CheckCount(int count)
    {
        if (count < MinInputs || count > MaxInputs)
            throw new ArgumentException(MinInputs == MaxInputs
                ? $"A `{ClassName}` layer should be called on exactly {MinInputs} inputs. Received: {count} inputs."
                : $"A merge layer should be called on a list of at least {MinInputs} inputs. Got {count} inputs.");
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        CheckCount(inputShapes.Count);
        var output = inputShapes[0].ToArray();
        for (int i = 1; i < inputShapes.Count; i++) output = Broadcast(output, inputShapes[i].ToArray(), inputShapes[0], inputShapes[i]);
        return new Shape(output);
    }

    static int[] Broadcast(int[] a, int[] b, Shape first, Shape other)
    {
        if (a.Length < b.Length) (a, b) = (b, a);
        var result = (int[])a.Clone();
        for (int i = 1; i <= b.Length; i++)
        {
            int x = a[^i], y = b[^i];
            if (x == y || y == 1) continue;
            if (x == 1) { result[^i] = y; continue; }
            throw new ArgumentException($"Inputs have incompatible shapes. Received shapes {first.ToBatchString()} and {other.ToBatchString()}");
        }
        return result;
    }

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckCount(inputs.Count);
        long batch = inputs[0].shape[0];
        if (inputs.Any(t => t.shape[0] != batch))
            throw new ArgumentException($"Cannot merge tensors with different batch sizes. Received tensors with shapes {string.Join(", ", inputs.Select(t => "(" + string.Join(", ", t.shape) + ")"))}");
        long rank = inputs.Max(t => t.dim());
        if (inputs.All(t => t.dim() == rank)) return MergeFunction(inputs);
        using var scope = NewDisposeScope();
        var aligned = inputs.Select(t => { var r = t; while (r.dim() < rank) r = r.unsqueeze(1); return r; }).ToList();
        return MergeFunction(aligned).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        Tensor? result = null;
        foreach (var m in masks)
        {
            if (m is null) continue;
            result = result is null ? m : result.logical_and(m);
        }
        return result;
    }
}
