using Deepen.Utils;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Activations;

/// <summary>
/// Activation functions by Keras name (keras/src/activations/activations.py): relu, relu6, sigmoid, softmax,
/// log_softmax, tanh, gelu, leaky_relu, linear, elu, selu, celu, softplus, softsign, swish/silu, hard_sigmoid,
/// hard_silu/hard_swish, hard_tanh, mish, log_sigmoid, exponential, glu, tanh_shrink, soft_shrink, hard_shrink,
/// squareplus. By name they take Keras's default arguments (softmax and glu on the last axis); the functions below
/// take the others (<see cref="Relu"/>'s negative slope, max value and threshold, <see cref="Softmax"/>'s axis,
/// <see cref="Gelu"/>'s approximation).
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
        ["relu6"] = x => nn.functional.relu6(x),
        ["log_softmax"] = x => x.log_softmax(-1),
        ["celu"] = x => nn.functional.celu(x, 1.0),
        ["softsign"] = x => nn.functional.softsign(x),
        ["hard_sigmoid"] = x => nn.functional.hardsigmoid(x),   // Keras 3: relu6(x + 3) / 6
        ["hard_silu"] = x => nn.functional.hardswish(x),        // x · hard_sigmoid(x)
        ["hard_swish"] = x => nn.functional.hardswish(x),
        ["hard_tanh"] = x => x.clamp(-1, 1),
        ["mish"] = x => nn.functional.mish(x),
        ["log_sigmoid"] = x => nn.functional.logsigmoid(x),
        ["exponential"] = x => x.exp(),
        ["glu"] = x => nn.functional.glu(x, -1),
        ["tanh_shrink"] = x => x - x.tanh(),
        ["soft_shrink"] = x => SoftShrink(x),
        ["hard_shrink"] = x => HardShrink(x),
        ["squareplus"] = x => Squareplus(x),
    };

    /// <summary>
    /// Keras's <c>relu(x, negative_slope=0, max_value=None, threshold=0)</c>: x above <paramref name="threshold"/>
    /// (else 0), clipped at <paramref name="maxValue"/>, minus <paramref name="negativeSlope"/>·relu(threshold − x).
    /// </summary>
    /// <example><code>var y = Activations.Relu(x, negativeSlope: 0.1, maxValue: 6);</code></example>
    public static Tensor Relu(Tensor x, double negativeSlope = 0, double? maxValue = null, double threshold = 0)
    {
        if (negativeSlope != 0 && maxValue is null && threshold == 0) return nn.functional.leaky_relu(x, negativeSlope);
        using var scope = NewDisposeScope();
        var y = threshold != 0 ? x * x.gt(threshold).to(x.dtype) : nn.functional.relu(x);
        if (maxValue is double m) y = y.clamp(0, m);
        if (negativeSlope != 0) y = y - negativeSlope * nn.functional.relu(threshold - x);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Keras's <c>softmax(x, axis=-1)</c>.</summary>
    /// <example><code>var p = Activations.Softmax(logits, axis: 1);</code></example>
    public static Tensor Softmax(Tensor x, int axis = -1) => x.softmax(axis);

    /// <summary>Keras's <c>log_softmax(x, axis=-1)</c>.</summary>
    /// <example><code>var logp = Activations.LogSoftmax(logits);</code></example>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => x.log_softmax(axis);

    /// <summary>Keras's <c>gelu(x, approximate=False)</c>: exact with the error function, or the tanh approximation.</summary>
    /// <example><code>var y = Activations.Gelu(x, approximate: true);</code></example>
    public static Tensor Gelu(Tensor x, bool approximate = false) =>
        nn.functional.gelu(x, approximate ? TorchSharp.Modules.GELU.Approximate.tanh : TorchSharp.Modules.GELU.Approximate.none);

    /// <summary>Keras's <c>elu(x, alpha=1.0)</c>.</summary>
    /// <example><code>var y = Activations.Elu(x, alpha: 0.5);</code></example>
    public static Tensor Elu(Tensor x, double alpha = 1.0) => nn.functional.elu(x, alpha, false);

    /// <summary>Keras's <c>celu(x, alpha=1.0)</c>: max(0, x) + min(0, α·(exp(x/α) − 1)).</summary>
    /// <example><code>var y = Activations.Celu(x, alpha: 2.0);</code></example>
    public static Tensor Celu(Tensor x, double alpha = 1.0) => nn.functional.celu(x, alpha);

    /// <summary>Keras's <c>glu(x, axis=-1)</c>: a · sigmoid(b) for the two halves a, b along the axis.</summary>
    /// <example><code>var y = Activations.Glu(x, axis: 1);</code></example>
    public static Tensor Glu(Tensor x, int axis = -1) => nn.functional.glu(x, axis);

    /// <summary>Keras's <c>soft_shrink(x, threshold=0.5)</c>: x − t above t, x + t below −t, else 0.</summary>
    /// <example><code>var y = Activations.SoftShrink(x, 0.5);</code></example>
    public static Tensor SoftShrink(Tensor x, double threshold = 0.5) =>
        where(x > threshold, x - threshold, where(x < -threshold, x + threshold, zeros_like(x)));

    /// <summary>Keras's <c>hard_shrink(x, threshold=0.5)</c>: x where |x| &gt; t, else 0.</summary>
    /// <example><code>var y = Activations.HardShrink(x, 0.5);</code></example>
    public static Tensor HardShrink(Tensor x, double threshold = 0.5) => where(x.abs() > threshold, x, zeros_like(x));

    /// <summary>Keras's <c>squareplus(x, b=4)</c>: (x + √(x² + b)) / 2.</summary>
    /// <example><code>var y = Activations.Squareplus(x);</code></example>
    public static Tensor Squareplus(Tensor x, double b = 4) => (x + (x.square() + b).sqrt()) / 2;

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
