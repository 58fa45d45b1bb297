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

    public string GetString(string key) => Read(key, n => n.GetValue<string>());
    public string? GetStringOrNull(string key) => Has(key) ? GetString(key) : null;
    public int GetInt(string key) => Read(key, n => n.GetValue<int>());
    public double GetDouble(string key) => Read(key, n => n.GetValue<double>());
    public bool GetBool(string key) => Read(key, n => n.GetValue<bool>());
    public int[] GetInts(string key) => Read(key, n => n.AsArray().Select(x => x!.GetValue<int>()).ToArray());
    public double[] GetDoubles(string key) => Read(key, n => n.AsArray().Select(x => x!.GetValue<double>()).ToArray());
    public string[] GetStrings(string key) => Read(key, n => n.AsArray().Select(x => x!.GetValue<string>()).ToArray());
    public Shape? GetShapeOrNull(string key) => Has(key) ? new Shape(GetInts(key)) : null;
    public Size2 GetSize2(string key)
    {
        var a = GetInts(key);
        return a.Length == 2 ? new Size2(a[0], a[1]) : throw new FormatException($"Layer config value `{key}` must hold 2 integers, received {Check.Format(a)}.");
    }
    public Size2? GetSize2OrNull(string key) => Has(key) ? GetSize2(key) : null;
}
