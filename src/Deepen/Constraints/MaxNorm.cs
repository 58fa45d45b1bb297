using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Constraints;

/// <summary>
/// Keras's <c>keras.constraints.MaxNorm(max_value=2, axis=0)</c>: the norm over <c>axis</c> is clipped to
/// <c>maxValue</c>, w · clip(‖w‖, 0, max) / (ε + ‖w‖). axis 0 constrains each unit's incoming weights of a Dense
/// kernel (in, units); for a Conv2D kernel (kh, kw, in, out) use axis [0, 1, 2].
/// </summary>
/// <example><code>new Dense(128, kernelConstraint: new MaxNorm(3))</code></example>
public sealed class MaxNorm : Constraint
{
    /// <param name="maxValue">The largest norm allowed.</param>
    /// <param name="axis">The axes the norm is taken over (Keras's layout); default [0].</param>
    public MaxNorm(double maxValue = 2.0, int[]? axis = null)
    {
        MaxValue = maxValue;
        Axis = axis ?? new[] { 0 };
    }

    /// <summary>The largest norm allowed.</summary>
    public double MaxValue { get; }
    /// <summary>The axes of the norm.</summary>
    public int[] Axis { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        using var scope = NewDisposeScope();
        var norms = Norms(w, Axis);
        return (w * (norms.clamp(0, MaxValue) / (norms + Epsilon))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["max_value"] = MaxValue, ["axis"] = AxisJson(Axis) };
}
