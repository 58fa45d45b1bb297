using TorchSharp;
using static TorchSharp.torch;

namespace Deepen;

/// <summary>
/// One named variable of a layer: a trainable parameter (kernel, bias, gamma, beta) or a non-trainable state
/// (BatchNormalization's moving mean and variance). Weights are stored in float32.
/// </summary>
public sealed class Weight
{
    /// <summary>
    /// A free-standing variable (Keras's <c>backend.Variable(value, name=...)</c>), e.g. for
    /// <see cref="Optimizers.Optimizer.ApplyGradients"/>. A trainable one holds a copy of the value as a parameter.
    /// </summary>
    /// <example><code>var v = new Weight(torch.tensor(new[] { 1f, 2f }), name: "kernel");</code></example>
    public Weight(Tensor value, string name = "variable", bool trainable = true)
        : this(name, trainable ? new TorchSharp.Modules.Parameter(value.to(ScalarType.Float32).detach().clone(), requires_grad: true)
            : value.to(ScalarType.Float32).detach().clone(), trainable) { }

    internal Weight(string name, Tensor value, bool trainable)
    {
        Name = name;
        Trainable = trainable;
        Value = value;
    }

    /// <summary>The weight's name inside its layer, e.g. "kernel" (or "forward/kernel" inside a wrapper or block).</summary>
    public string Name { get; internal set; }
    /// <summary>Whether the optimizer updates it.</summary>
    public bool Trainable { get; }
    /// <summary>The tensor (a <see cref="TorchSharp.Modules.Parameter"/> when trainable).</summary>
    public Tensor Value { get; private set; }
    /// <summary>The tensor's shape.</summary>
    public long[] Shape => Value.shape;
    /// <summary>The number of scalars it holds.</summary>
    public long Count => Value.numel();

    /// <summary>The penalty added to the training loss for this weight (Keras's <c>variable.regularizer</c>), or null.</summary>
    public Regularizers.Regularizer? Regularizer { get; internal set; }
    /// <summary>The projection applied after each optimizer step (Keras's <c>variable.constraint</c>), or null.</summary>
    public Constraints.Constraint? Constraint { get; internal set; }

    /// <summary>Replaces the value by <see cref="Constraint"/>(value), the value seen in Keras's layout.</summary>
    internal void ApplyConstraint()
    {
        if (Constraint is null) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var keras = Layout.ToKeras(Value.detach());
        var constrained = Constraint.Call(keras);
        Value.copy_(Layout.FromKeras(constrained.to(Value.dtype), Value.shape));
    }

    /// <summary>How the stored (LibTorch) layout maps to Keras's; set by the layer that owns the weight.</summary>
    internal KerasWeightLayout Layout { get; set; } = KerasWeightLayout.Same;

    /// <summary>The shape in Keras's layout, e.g. (in, units) for a Dense kernel stored as (units, in).</summary>
    public long[] KerasShape => Layout.ToKeras(Value).shape;

    /// <summary>A copy of the value in Keras's layout (Keras's <c>variable.numpy()</c>).</summary>
    public Tensor KerasValue()
    {
        using var _ = no_grad();
        using var view = Layout.ToKeras(Value.detach());
        return view.contiguous().clone();
    }

    /// <summary>Copies a value given in Keras's layout into this weight (Keras's <c>variable.assign</c>).</summary>
    public void AssignKeras(Tensor source)
    {
        var expected = KerasShape;
        if (!source.shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"Weight `{Name}` has shape ({string.Join(", ", expected)}) in Keras's layout, which is not compatible with the provided weight shape ({string.Join(", ", source.shape)}).", nameof(source));
        using var _ = no_grad();
        using var stored = Layout.FromKeras(source.to(Value.dtype, Value.device), Value.shape);
        Value.copy_(stored);
    }

    /// <summary>Copies <paramref name="source"/>, in the stored (LibTorch) layout, into this weight (shapes must match).</summary>
    public void Assign(Tensor source)
    {
        if (!source.shape.SequenceEqual(Value.shape))
            throw new ArgumentException(
                $"Cannot assign to weight `{Name}`: expected shape [{string.Join(", ", Value.shape)}], received [{string.Join(", ", source.shape)}].", nameof(source));
        using var _ = no_grad();
        Value.copy_(source);
    }

    internal void MoveTo(Device device)
    {
        if (Value.device == device) return;
        using var _ = no_grad();
        var moved = Value.to(device).detach();
        Value = Trainable ? new TorchSharp.Modules.Parameter(moved, requires_grad: true) : moved;
    }
}
