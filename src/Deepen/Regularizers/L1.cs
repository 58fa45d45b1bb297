using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Regularizers;

/// <summary>Keras's <c>keras.regularizers.L1(l1=0.01)</c>: <c>l1 · Σ|x|</c>.</summary>
/// <example><code>new Dense(32, kernelRegularizer: new L1(0.001))</code></example>
public sealed class L1 : Regularizer
{
    /// <param name="l1">The factor (non-negative).</param>
    public L1(double l1 = 0.01) => L1Factor = Factor(l1, "l1");

    /// <summary>The factor.</summary>
    public double L1Factor { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor x) => x.abs().sum() * L1Factor;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l1"] = L1Factor };
}
