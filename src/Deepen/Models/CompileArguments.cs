using Deepen.Losses;
using Deepen.Optimizers;

namespace Deepen.Models;

/// <summary>An optimizer given to <c>Compile</c>: a Keras name such as "adam", or an <see cref="Optimizers.Optimizer"/>.</summary>
public sealed class OptimizerSpec
{
    OptimizerSpec(Optimizer value) => Value = value;
    internal Optimizer Value { get; }
    /// <summary>A new optimizer from its Keras name, case-insensitive: <c>"sgd"</c>, <c>"adam"</c>, <c>"adamw"</c> or <c>"rmsprop"</c>,
    /// with Keras's default learning rate. Throws <see cref="ArgumentException"/> for another name.</summary>
    public static implicit operator OptimizerSpec(string name) => new(OptimizerRegistry.Get(name));
    /// <summary>An optimizer object as given, with its own settings. Throws <see cref="ArgumentNullException"/> for null.</summary>
    public static implicit operator OptimizerSpec(Optimizer optimizer) => new(optimizer ?? throw new ArgumentNullException(nameof(optimizer)));
}

/// <summary>A loss given to <c>Compile</c>: a Keras name such as "binary_crossentropy", or a <see cref="Losses.Loss"/>.</summary>
public sealed class LossSpec
{
    LossSpec(Loss value) => Value = value;
    internal Loss Value { get; }
    /// <summary>A new loss from its Keras name, case-insensitive, such as <c>"binary_crossentropy"</c> or
    /// <c>"sparse_categorical_crossentropy"</c> (see <see cref="LossRegistry.Names"/>). Throws <see cref="ArgumentException"/> for an unknown name.</summary>
    public static implicit operator LossSpec(string name) => new(LossRegistry.Get(name));
    /// <summary>A loss object as given, with its own settings. Throws <see cref="ArgumentNullException"/> for null.</summary>
    public static implicit operator LossSpec(Loss loss) => new(loss ?? throw new ArgumentNullException(nameof(loss)));
}
