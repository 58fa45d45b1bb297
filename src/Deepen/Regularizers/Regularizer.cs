using System.Text.Json.Nodes;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Regularizers;

/// <summary>
/// A penalty on a weight (or on a layer's output) added to the training loss, as Keras's
/// <c>keras.regularizers.Regularizer</c>: layers take one as <c>kernelRegularizer</c>, <c>biasRegularizer</c>,
/// <c>activityRegularizer</c> (…), and <c>Fit</c>/<c>Evaluate</c> add the penalties of all weights (Keras's
/// <c>model.losses</c>) to the loss they minimize and report. A string converts to a regularizer with Keras's defaults:
/// "l1" (L1(0.01)), "l2" (L2(0.01)), "l1l2" or "l1_l2" (L1L2(0, 0), Keras 3's defaults).
/// </summary>
/// <example><code>
/// new Dense(64, activation: "relu", kernelRegularizer: "l2");                 // 0.01 · Σ w²
/// new Dense(64, kernelRegularizer: new L1L2(l1: 1e-5, l2: 1e-4), activityRegularizer: new L1(1e-5));
/// </code></example>
public abstract class Regularizer
{
    /// <summary>The penalty for <paramref name="x"/>: a scalar tensor, differentiable.</summary>
    public abstract Tensor Call(Tensor x);

    /// <summary>The class name saved in configs ("L1", "L2", "L1L2").</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The hyper-parameters (Keras's <c>get_config()</c>).</summary>
    public abstract JsonObject GetConfig();

    /// <summary>Keras's serialized form: {"class_name": …, "config": {…}}.</summary>
    public JsonObject ToJson() => new() { ["class_name"] = ClassName, ["config"] = GetConfig() };

    /// <summary>A regularizer by Keras name with Keras's defaults: "l1", "l2", "l1l2" / "l1_l2" (or the class names).</summary>
    public static Regularizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim() switch
        {
            "l1" or "L1" => new L1(),
            "l2" or "L2" => new L2(),
            "l1l2" or "l1_l2" or "L1L2" => new L1L2(),
            _ => throw new ArgumentException($"Could not interpret regularizer identifier: {name}. Expected \"l1\", \"l2\" or \"l1_l2\", or a Regularizer object.", nameof(name)),
        };
    }

    /// <summary>A string converts with <see cref="Get"/>, so <c>kernelRegularizer: "l2"</c> works as in Keras.</summary>
    public static implicit operator Regularizer(string name) => Get(name);

    /// <summary>Rebuilds a regularizer from a name or from Keras's {"class_name", "config"} object (null for null).</summary>
    public static Regularizer? FromJson(JsonNode? node)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var name)) return Get(name);
        if (node is not JsonObject o || o["class_name"]?.GetValue<string>() is not string cls)
            throw new FormatException($"A regularizer must be a name or {{\"class_name\": ..., \"config\": {{...}}}}; received {node.ToJsonString()}.");
        var c = o["config"] as JsonObject ?? new JsonObject();
        double D(string key, double d) => c[key] is JsonNode n ? n.GetValue<double>() : d;
        return cls switch
        {
            "L1" => new L1(D("l1", 0.01)),
            "L2" => new L2(D("l2", 0.01)),
            "L1L2" => new L1L2(D("l1", 0), D("l2", 0)),
            _ => throw new FormatException($"Unknown regularizer class \"{cls}\". Known: L1, L2, L1L2."),
        };
    }

    /// <summary>Keras's <c>validate_float_arg</c>: a finite, non-negative factor.</summary>
    protected static double Factor(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentException($"Invalid value for argument {name}: expected a non-negative float.Received: {name}={Check.Format(value)}", name);

    /// <inheritdoc/>
    public override string ToString() => ToJson().ToJsonString();
}
