using Deepen.Losses;
using Deepen.Optimizers;

namespace Deepen.Models;

/// <summary>An optimizer given to <c>Compile</c>: a Keras name such as "adam", or an <see cref="Optimizers.Optimizer"/>.</summary>
public sealed class OptimizerSpec
{
    OptimizerSpec(Optimizer value) => Value = value;
    internal Optimizer Value { get; }
    public static implicit operator OptimizerSpec(string name) => new(OptimizerRegistry.Get(name));
    public static implicit operator OptimizerSpec(Optimizer optimizer) => new(optimizer ?? throw new ArgumentNullException(nameof(optimizer)));
}

/// <summary>A loss given to <c>Compile</c>: a Keras name such as "binary_crossentropy", or a <see cref="Losses.Loss"/>.</summary>
public sealed class LossSpec
{
    LossSpec(Loss value) => Value = value;
    internal Loss Value { get; }
    public static implicit operator LossSpec(string name) => new(LossRegistry.Get(name));
    public static implicit operator LossSpec(Loss loss) => new(loss ?? throw new ArgumentNullException(nameof(loss)));
}
