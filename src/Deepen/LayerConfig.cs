using System.Text.Json.Nodes;
using Deepen.Utils;

namespace Deepen;

/// <summary>
/// A layer's configuration: what its constructor needs to rebuild it (Keras's <c>get_config()</c>), stored as JSON
/// in saved models. Values are plain data; loading never runs code from a file.
/// </summary>
public sealed class LayerConfig
{
    /// <summary>The JSON object behind this config.</summary>
    public JsonObject Json { get; }

    /// <summary>Wraps a JSON object.</summary>
    public LayerConfig(JsonObject? json = null) => Json = json ?? new JsonObject();

    /// <summary>Sets a value (numbers, strings, bools, arrays of numbers, or null).</summary>
    public LayerConfig Set(string key, object? value)
    {
        Json[key] = value switch
        {
            null => null,
            Shape s => new JsonArray(s.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            Size2 z => new JsonArray(JsonValue.Create(z.Rows), JsonValue.Create(z.Cols)),
            int[] a => new JsonArray(a.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            double[] a => new JsonArray(a.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            string[] a => new JsonArray(a.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            JsonNode n => n,
            string str => JsonValue.Create(str),
            bool b => JsonValue.Create(b),
            int i => JsonValue.Create(i),
            long l => JsonValue.Create(l),
            double d => JsonValue.Create(d),
            float f => JsonValue.Create((double)f),
            _ => throw new ArgumentException($"Config value for `{key}` has unsupported type {value.GetType().Name}.", nameof(value)),
        };
        return this;
    }

    /// <summary>Whether the key is present and not null.</summary>
    public bool Has(string key) => Json.TryGetPropertyValue(key, out var n) && n is not null;

    JsonNode Required(string key) =>
        Json.TryGetPropertyValue(key, out var n) && n is not null ? n
            : throw new FormatException($"Layer config is missing `{key}`. Received config: {Json.ToJsonString()}");

    T Read<T>(string key, Func<JsonNode, T> read)
    {
        var node = Required(key);
        try { return read(node); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new FormatException($"Layer config value `{key}` has the wrong type: expected {typeof(T).Name}, received {node.ToJsonString()}.", e);
        }
    }

    /// <summary>Reads a required string value.</summary>
    /// <exception cref="FormatException">The key is missing or null, or its value is not a string.</exception>
    public string GetString(string key) => Read(key, n => n.GetValue<string>());
    /// <summary>Reads a string value, or null when the key is missing or null.</summary>
    /// <exception cref="FormatException">The value is present but not a string.</exception>
    public string? GetStringOrNull(string key) => Has(key) ? GetString(key) : null;
    /// <summary>Reads a required integer value.</summary>
    /// <exception cref="FormatException">The key is missing or null, or its value is not an integer.</exception>
    public int GetInt(string key) => Read(key, n => n.GetValue<int>());
    /// <summary>Reads a required number value.</summary>
    /// <exception cref="FormatException">The key is missing or null, or its value is not a number.</exception>
    public double GetDouble(string key) => Read(key, n => n.GetValue<double>());
    /// <summary>Reads a required boolean value.</summary>
    /// <exception cref="FormatException">The key is missing or null, or its value is not a boolean.</exception>
    public bool GetBool(string key) => Read(key, n => n.GetValue<bool>());
    /// <summary>Reads a required array of integers.</summary>
    /// <exception cref="FormatException">The key is missing or null, or its value is not an array of integers.</exception>
    public int[] GetInts(string key) => Read(key, n => n.AsArray().Select(x => x!.GetValue<int>()).ToArray());
    /// <summary>Reads a required array of numbers.</summary>
    /// <exception cref="FormatException">The key is missing or null, or its value is not an array of numbers.</exception>
    public double[] GetDoubles(string key) => Read(key, n => n.AsArray().Select(x => x!.GetValue<double>()).ToArray());
    /// <summary>Reads a required array of strings.</summary>
    /// <exception cref="FormatException">The key is missing or null, or its value is not an array of strings.</exception>
    public string[] GetStrings(string key) => Read(key, n => n.AsArray().Select(x => x!.GetValue<string>()).ToArray());
    /// <summary>Reads an array of positive integers as a <see cref="Shape"/>, or null when the key is missing or null.</summary>
    /// <exception cref="FormatException">The value is present but not an array of integers.</exception>
    public Shape? GetShapeOrNull(string key) => Has(key) ? new Shape(GetInts(key)) : null;
    /// <summary>Reads a required array of exactly two integers as a <see cref="Size2"/> (rows, cols).</summary>
    /// <exception cref="FormatException">The key is missing or null, or its value is not an array of two integers.</exception>
    public Size2 GetSize2(string key)
    {
        var a = GetInts(key);
        return a.Length == 2 ? new Size2(a[0], a[1]) : throw new FormatException($"Layer config value `{key}` must hold 2 integers, received {Check.Format(a)}.");
    }
    /// <summary>Reads a <see cref="Size2"/> as <see cref="GetSize2"/> does, or null when the key is missing or null.</summary>
    public Size2? GetSize2OrNull(string key) => Has(key) ? GetSize2(key) : null;
}
