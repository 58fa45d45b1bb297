using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Onnx.Ops;

/// <summary>Small constant tensors (shapes, indices, scalars) as JSON in a layer config.</summary>
internal static class OnnxTensorJson
{
    /// <summary>The most elements a constant may hold in a config; larger float tensors become weights.</summary>
    public const int MaxElements = 1 << 16;

    public static JsonObject Write(Tensor t, string? onnxName)
    {
        using var cpu = t.cpu();
        var dims = new JsonArray(t.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
        JsonArray values;
        string dtype;
        if (t.dtype == ScalarType.Bool) { dtype = "bool"; values = new JsonArray(cpu.data<bool>().Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()); }
        else if (t.is_floating_point())
        {
            dtype = t.dtype == ScalarType.Float64 ? "float64" : "float32";
            using var d = cpu.to_type(ScalarType.Float64);
            values = new JsonArray(d.data<double>().Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
        else
        {
            dtype = t.dtype == ScalarType.Int32 ? "int32" : "int64";
            using var l = cpu.to_type(ScalarType.Int64);
            values = new JsonArray(l.data<long>().Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
        return new JsonObject { ["kind"] = "constant", ["onnx_name"] = onnxName, ["dtype"] = dtype, ["dims"] = dims, ["values"] = values };
    }

    public static Tensor Read(JsonObject o)
    {
        try
        {
            var dims = (o["dims"] as JsonArray)!.Select(n => n!.GetValue<long>()).ToArray();
            var values = (o["values"] as JsonArray)!;
            long count = dims.Aggregate(1L, (a, b) => a * b);
            if (dims.Any(d => d < 0) || count != values.Count || count > MaxElements)
                throw new FormatException($"OnnxOp constant has dims [{string.Join(", ", dims)}] but {values.Count} values (at most {MaxElements}).");
            string dtype = o["dtype"]!.GetValue<string>();
            Tensor t = dtype switch
            {
                "bool" => tensor(values.Select(v => v!.GetValue<bool>()).ToArray()),
                "float32" => tensor(values.Select(v => (float)v!.GetValue<double>()).ToArray()),
                "float64" => tensor(values.Select(v => v!.GetValue<double>()).ToArray()),
                "int32" => tensor(values.Select(v => (int)v!.GetValue<long>()).ToArray()),
                "int64" => tensor(values.Select(v => v!.GetValue<long>()).ToArray()),
                _ => throw new FormatException($"OnnxOp constant dtype \"{dtype}\" is unknown."),
            };
            return t.reshape(dims).to(Backend.Device).DetachFromDisposeScope();
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException)
        {
            throw new FormatException("OnnxOp constant is not of the form {\"dtype\", \"dims\", \"values\"}.", e);
        }
    }
}
