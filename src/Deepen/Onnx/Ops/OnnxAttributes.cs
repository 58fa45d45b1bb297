using System.Text.Json.Nodes;

namespace Deepen.Onnx.Ops;

/// <summary>An ONNX node's attributes (ints, floats, strings and their lists), read with ONNX's defaults.</summary>
public sealed class OnnxAttributes
{
    readonly JsonObject _json;

    internal OnnxAttributes(JsonObject json) => _json = json;

    /// <summary>The attributes as JSON (name → number, string or array).</summary>
    public JsonObject Json => _json;

    /// <summary>Whether the attribute is present.</summary>
    public bool Has(string name) => _json.ContainsKey(name) && _json[name] is not null;

    /// <summary>An integer attribute, or <paramref name="fallback"/>.</summary>
    public long Int(string name, long fallback) => Has(name) ? AsLong(_json[name]!) : fallback;
    /// <summary>A float attribute, or <paramref name="fallback"/>.</summary>
    public double Float(string name, double fallback) => Has(name) ? _json[name]!.GetValue<double>() : fallback;
    /// <summary>A string attribute, or <paramref name="fallback"/>.</summary>
    public string String(string name, string fallback) => Has(name) ? _json[name]!.GetValue<string>() : fallback;
    /// <summary>An integer-list attribute, or null.</summary>
    public long[]? Ints(string name) => Has(name) ? _json[name]!.AsArray().Select(n => AsLong(n!)).ToArray() : null;
    /// <summary>A float-list attribute, or null.</summary>
    public double[]? Floats(string name) => Has(name) ? _json[name]!.AsArray().Select(n => n!.GetValue<double>()).ToArray() : null;

    static long AsLong(JsonNode n)
    {
        try { return n.GetValue<long>(); }
        catch (InvalidOperationException) { return (long)n.GetValue<double>(); }
        catch (FormatException) { return (long)n.GetValue<double>(); }
    }
}
