using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Constraints;

/// <summary>Keras's <c>keras.constraints.NonNeg()</c>: negative entries become 0.</summary>
/// <example><code>new Dense(8, kernelConstraint: new NonNeg())</code></example>
public sealed class NonNeg : Constraint
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor w) => w.clamp_min(0);

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new();
}
