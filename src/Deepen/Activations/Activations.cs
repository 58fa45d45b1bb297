using Deepen.Utils;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Activations;

/// <summary>
/// Activation functions by Keras name: relu, sigmoid, softmax, tanh, gelu, leaky_relu, linear (also elu, selu,
/// softplus, swish/silu). Softmax applies to the last axis, as in Keras.
/// </summary>
/// <example><code>var f = Activations.Get("relu"); var y = f(x);</code></example>
public static class Activations
{
    static readonly Dictionary<string, Func<Tensor, Tensor>> Table = new()
    {
        ["linear"] = x => x.alias(),
        ["relu"] = x => nn.functional.relu(x),
        ["sigmoid"] = x => x.sigmoid(),
        ["softmax"] = x => x.softmax(-1),
        ["tanh"] = x => x.tanh(),
        ["gelu"] = x => nn.functional.gelu(x),
        ["leaky_relu"] = x => nn.functional.leaky_relu(x, 0.2), // Keras's default negative_slope is 0.2
        ["elu"] = x => nn.functional.elu(x, 1.0, false),
        ["selu"] = x => nn.functional.selu(x),
        ["softplus"] = x => nn.functional.softplus(x),
        ["swish"] = x => nn.functional.silu(x),
        ["silu"] = x => nn.functional.silu(x),
    };

    /// <summary>The names <see cref="Get"/> accepts.</summary>
    public static IReadOnlyCollection<string> Names => Table.Keys;

    /// <summary>Normalizes an activation name (null means linear) and checks it exists.</summary>
    public static string Resolve(string? name, string argument = "activation")
    {
        string n = (name ?? "linear").Trim().ToLowerInvariant();
        if (n == "none" || n == "") n = "linear";
        if (!Table.ContainsKey(n))
            throw Check.Invalid(argument, name, "one of " + string.Join(", ", Table.Keys.Select(k => $"\"{k}\"")));
        return n;
    }

    /// <summary>Whether the activation outputs probabilities (sigmoid, softmax): under a mixed policy they run in float32.</summary>
    internal static bool IsProbability(string name) => name is "sigmoid" or "softmax";

    /// <summary>The activation function called <paramref name="name"/>.</summary>
    public static Func<Tensor, Tensor> Get(string? name) => Table[Resolve(name)];
}
