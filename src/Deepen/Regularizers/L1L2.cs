using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Regularizers;

/// <summary>
/// Keras's <c>keras.regularizers.L1L2(l1=0.0, l2=0.0)</c>: <c>l1 · Σ|x| + l2 · Σx²</c>. Keras 3's defaults are 0, so
/// the string "l1_l2" penalizes nothing (as in Keras); give the factors.
/// </summary>
/// <example><code>new Dense(32, kernelRegularizer: new L1L2(l1: 1e-5, l2: 1e-4))</code></example>
public sealed class L1L2 : Regularizer
{
    /// <param name="l1">The L1 factor (non-negative).</param>
    /// <param name="l2">The L2 factor (non-negative).</param>
    public L1L2(double l1 = 0.0, double l2 = 0.0)
    {
        L1Factor = Factor(l1, "l1");
        L2Factor = Factor(l2, "l2");
    }

    /// <summary>The L1 factor.</summary>
    public double L1Factor { get; }
    /// <summary>The L2 factor.</summary>
    public double L2Factor { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor x)
    {
        using var scope = NewDisposeScope();
        var penalty = zeros(1, x.dtype, x.device).sum();
        if (L1Factor != 0) penalty = penalty + x.abs().sum() * L1Factor;
        if (L2Factor != 0) penalty = penalty + x.square().sum() * L2Factor;
        return penalty.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l1"] = L1Factor, ["l2"] = L2Factor };
}
