using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Constraints;

/// <summary>
/// A projection applied to a weight after each optimizer step, as Keras's <c>keras.constraints.Constraint</c>: layers
/// take one as <c>kernelConstraint</c> / <c>biasConstraint</c> (…), and <c>Fit</c> replaces the weight by
/// <see cref="Call"/>(weight) after every update. The weight is seen in Keras's layout (a Dense kernel (in, units), a
/// Conv2D kernel (kh, kw, in, out)), so Keras's <c>axis</c> arguments mean what they mean in Keras. A string converts
/// with Keras's defaults: "max_norm", "non_neg", "unit_norm", "min_max_norm".
/// </summary>
/// <example><code>
/// new Dense(64, kernelConstraint: new MaxNorm(3));                       // each unit's incoming weights: norm ≤ 3
/// new Conv2D(32, 3, kernelConstraint: new MaxNorm(2, axis: [0, 1, 2]));  // each filter: norm ≤ 2
/// </code></example>
public abstract class Constraint
{
    /// <summary>The constrained value of <paramref name="w"/> (in Keras's layout).</summary>
    public abstract Tensor Call(Tensor w);

    /// <summary>The class name saved in configs.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The hyper-parameters (Keras's <c>get_config()</c>).</summary>
    public abstract JsonObject GetConfig();

    /// <summary>Keras's serialized form: {"class_name": …, "config": {…}}.</summary>
    public JsonObject ToJson() => new() { ["class_name"] = ClassName, ["config"] = GetConfig() };

    /// <summary>A constraint by Keras name with Keras's defaults ("max_norm", "non_neg", "unit_norm", "min_max_norm", or the class names).</summary>
    public static Constraint Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim() switch
        {
            "max_norm" or "MaxNorm" => new MaxNorm(),
            "non_neg" or "NonNeg" => new NonNeg(),
            "unit_norm" or "UnitNorm" => new UnitNorm(),
            "min_max_norm" or "MinMaxNorm" => new MinMaxNorm(),
            _ => throw new ArgumentException($"Could not interpret constraint identifier: {name}. Expected \"max_norm\", \"non_neg\", \"unit_norm\" or \"min_max_norm\", or a Constraint object.", nameof(name)),
        };
    }

    /// <summary>A string converts with <see cref="Get"/>, so <c>kernelConstraint: "non_neg"</c> works as in Keras.</summary>
    public static implicit operator Constraint(string name) => Get(name);

    /// <summary>Rebuilds a constraint from a name or from Keras's {"class_name", "config"} object (null for null).</summary>
    public static Constraint? FromJson(JsonNode? node)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var name)) return Get(name);
        if (node is not JsonObject o || o["class_name"]?.GetValue<string>() is not string cls)
            throw new FormatException($"A constraint must be a name or {{\"class_name\": ..., \"config\": {{...}}}}; received {node.ToJsonString()}.");
        var c = o["config"] as JsonObject ?? new JsonObject();
        double D(string key, double d) => c[key] is JsonNode n ? n.GetValue<double>() : d;
        int[] Axis() => c["axis"] switch
        {
            null => new[] { 0 },
            JsonArray a => a.Select(x => x!.GetValue<int>()).ToArray(),
            JsonNode n => new[] { n.GetValue<int>() },
        };
        return cls switch
        {
            "MaxNorm" => new MaxNorm(D("max_value", 2), Axis()),
            "NonNeg" => new NonNeg(),
            "UnitNorm" => new UnitNorm(Axis()),
            "MinMaxNorm" => new MinMaxNorm(D("min_value", 0), D("max_value", 1), D("rate", 1), Axis()),
            _ => throw new FormatException($"Unknown constraint class \"{cls}\". Known: MaxNorm, NonNeg, UnitNorm, MinMaxNorm."),
        };
    }

    /// <summary>Keras's backend epsilon (1e-7), added to norms before dividing.</summary>
    protected const double Epsilon = 1e-7;

    /// <summary>The L2 norms of <paramref name="w"/> over <paramref name="axis"/> (kept as size-1 axes).</summary>
    protected static Tensor Norms(Tensor w, int[] axis) =>
        w.square().sum(axis.Select(a => (long)(a < 0 ? a + w.dim() : a)).ToArray(), keepdim: true).sqrt();

    /// <summary>The axis as Keras saves it: an int for one axis, else a list.</summary>
    protected static JsonNode AxisJson(int[] axis) => axis.Length == 1 ? JsonValue.Create(axis[0]) : new JsonArray(axis.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());

    /// <inheritdoc/>
    public override string ToString() => ToJson().ToJsonString();
}
