using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Constraints;

/// <summary>
/// Keras's <c>keras.constraints.MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0)</c>: the norm over
/// <c>axis</c> moves to rate · clip(‖w‖, min, max) + (1 − rate) · ‖w‖.
/// </summary>
/// <example><code>new Dense(16, kernelConstraint: new MinMaxNorm(0.5, 2.0))</code></example>
public sealed class MinMaxNorm : Constraint
{
    /// <param name="minValue">The smallest norm.</param>
    /// <param name="maxValue">The largest norm.</param>
    /// <param name="rate">How strictly the bounds are enforced per step (1 = strictly).</param>
    /// <param name="axis">The axes the norm is taken over (Keras's layout); default [0].</param>
    public MinMaxNorm(double minValue = 0.0, double maxValue = 1.0, double rate = 1.0, int[]? axis = null)
    {
        MinValue = minValue;
        MaxValue = maxValue;
        Rate = rate;
        Axis = axis ?? new[] { 0 };
    }

    /// <summary>The smallest norm.</summary>
    public double MinValue { get; }
    /// <summary>The largest norm.</summary>
    public double MaxValue { get; }
    /// <summary>How strictly the bounds are enforced per step.</summary>
    public double Rate { get; }
    /// <summary>The axes of the norm.</summary>
    public int[] Axis { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        using var scope = NewDisposeScope();
        var norms = Norms(w, Axis);
        var desired = norms.clamp(MinValue, MaxValue) * Rate + norms * (1 - Rate);
        return (w * (desired / (norms + Epsilon))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["min_value"] = MinValue, ["max_value"] = MaxValue, ["rate"] = Rate, ["axis"] = AxisJson(Axis) };
}
