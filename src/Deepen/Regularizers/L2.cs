using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Regularizers;

/// <summary>Keras's <c>keras.regularizers.L2(l2=0.01)</c>: <c>l2 · Σx²</c> (no ½, unlike some weight-decay formulas).</summary>
/// <example><code>new Dense(32, kernelRegularizer: new L2(1e-4))</code></example>
public sealed class L2 : Regularizer
{
    /// <param name="l2">The factor (non-negative).</param>
    public L2(double l2 = 0.01) => L2Factor = Factor(l2, "l2");

    /// <summary>The factor.</summary>
    public double L2Factor { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor x) => x.square().sum() * L2Factor;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l2"] = L2Factor };
}
