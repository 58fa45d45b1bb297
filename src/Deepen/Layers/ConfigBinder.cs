using System.Reflection;
using System.Text.Json.Nodes;

namespace Deepen.Layers;

/// <summary>
/// Rebuilds a layer from its config by calling its public constructor: each parameter is read from the config key
/// of the same name in Keras's snake_case (<c>kernelSize</c> ← <c>kernel_size</c>); a missing key takes the
/// parameter's default, so hand-written specs only need what differs from Keras's defaults. Only plain values are
/// accepted (numbers, strings, booleans, sizes and shapes as arrays), and only the constructors of registered layer
/// classes are ever called.
/// </summary>
internal static class ConfigBinder
{
    /// <summary>Keys every layer config may hold, handled by <see cref="LayerRegistry.Create"/>.</summary>
    static readonly HashSet<string> CommonKeys = new() { "name", "trainable", "input_shape" };

    public static Layer Create(Type type, LayerConfig config)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = ctor.GetParameters();
        var byKey = parameters.Where(p => p.Name is not ("name" or "inputShape"))
                              .ToDictionary(p => Layer.ToSnakeCase(p.Name!), p => p);
        var unknown = config.Json.Select(kv => kv.Key).Where(k => !CommonKeys.Contains(k) && !byKey.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            throw new FormatException(
                $"{type.Name} has no argument {string.Join(", ", unknown.Select(k => $"`{k}`"))}. Expected some of: {string.Join(", ", byKey.Keys)}.");
        var args = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            string key = Layer.ToSnakeCase(p.Name!);
            if (p.Name is "name" or "inputShape" || !config.Json.TryGetPropertyValue(key, out var node))
            {
                args[i] = p.HasDefaultValue || p.Name is "name" or "inputShape" ? p.DefaultValue
                    : throw new FormatException($"{type.Name} needs the argument `{key}`; the config has none.");
                continue;
            }
            args[i] = Convert(type.Name, key, node, p.ParameterType);
        }
        try
        {
            return (Layer)ctor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner)
        {
            throw new FormatException($"{type.Name}: {inner.Message}", inner);
        }
    }

    static object? Convert(string layer, string key, JsonNode? node, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            if (node is null)
                return !type.IsValueType || Nullable.GetUnderlyingType(type) is not null ? null
                    : throw new FormatException("null is not allowed");
            if (target == typeof(int)) return node.GetValue<int>();
            if (target == typeof(double)) return node.GetValue<double>();
            if (target == typeof(bool)) return node.GetValue<bool>();
            if (target == typeof(string)) return node.GetValue<string>();
            if (target == typeof(Size2))
                return node is JsonArray a
                    ? (a.Count == 2 ? new Size2(a[0]!.GetValue<int>(), a[1]!.GetValue<int>()) : throw new FormatException("expected 2 integers"))
                    : new Size2(node.GetValue<int>(), node.GetValue<int>());
            if (target == typeof(Shape))
                return node is JsonArray s ? new Shape(s.Select(d => d!.GetValue<int>()).ToArray()) : new Shape(node.GetValue<int>());
            if (target == typeof(double[])) return node.AsArray().Select(d => d!.GetValue<double>()).ToArray();
            if (target == typeof(Regularizers.Regularizer)) return Regularizers.Regularizer.FromJson(node);
            if (target == typeof(Constraints.Constraint)) return Constraints.Constraint.FromJson(node);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new FormatException($"{layer}: argument `{key}` cannot be {node?.ToJsonString() ?? "null"}; expected {Describe(target)}.", e);
        }
        throw new FormatException($"{layer}: argument `{key}` has a type ({type.Name}) that configs cannot hold.");
    }

    static string Describe(Type t) =>
        t == typeof(int) ? "an integer" : t == typeof(double) ? "a number" : t == typeof(bool) ? "true or false"
        : t == typeof(string) ? "a string" : t == typeof(Size2) ? "an integer or [rows, cols]"
        : t == typeof(Shape) ? "an array of positive integers"
        : t == typeof(Regularizers.Regularizer) ? "a regularizer name or {\"class_name\": ..., \"config\": {...}}"
        : t == typeof(Constraints.Constraint) ? "a constraint name or {\"class_name\": ..., \"config\": {...}}" : t.Name;
}
