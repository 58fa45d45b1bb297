using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Constraints;

/// <summary>Keras's <c>keras.constraints.UnitNorm(axis=0)</c>: w / (ε + ‖w‖) over <c>axis</c>.</summary>
/// <example><code>new Dense(16, kernelConstraint: new UnitNorm())</code></example>
public sealed class UnitNorm : Constraint
{
    /// <param name="axis">The axes the norm is taken over (Keras's layout); default [0].</param>
    public UnitNorm(int[]? axis = null) => Axis = axis ?? new[] { 0 };

    /// <summary>The axes of the norm.</summary>
    public int[] Axis { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        using var scope = NewDisposeScope();
        return (w / (Norms(w, Axis) + Epsilon)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["axis"] = AxisJson(Axis) };
}
