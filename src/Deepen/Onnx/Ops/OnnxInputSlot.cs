using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Onnx.Ops;

/// <summary>What fills one input of an imported ONNX node.</summary>
public enum OnnxInputKind
{
    /// <summary>An optional input left out ("" in the file).</summary>
    None,
    /// <summary>A tensor computed by the model (the next of the layer's input tensors).</summary>
    Input,
    /// <summary>A float initializer, held as a weight of the layer.</summary>
    Weight,
    /// <summary>A constant (an integer initializer, a scalar or a folded constant), held in the config.</summary>
    Constant,
}

/// <summary>One input of an <see cref="OnnxOp"/>: a model tensor, a weight, a constant or nothing.</summary>
public sealed class OnnxInputSlot
{
    OnnxInputSlot(OnnxInputKind kind) => Kind = kind;

    /// <summary>What fills the slot.</summary>
    public OnnxInputKind Kind { get; }
    /// <summary>The weight's name inside the layer (weights only).</summary>
    public string? WeightName { get; private init; }
    /// <summary>The weight's shape (weights only).</summary>
    public long[]? WeightShape { get; private init; }
    /// <summary>Whether the weight is trainable (weights only).</summary>
    public bool Trainable { get; private init; }
    /// <summary>The initializer's name in the ONNX file, kept for export (weights and constants).</summary>
    public string? OnnxName { get; private init; }
    /// <summary>The constant's value (constants only).</summary>
    public Tensor? Constant { get; private init; }

    internal static OnnxInputSlot None() => new(OnnxInputKind.None);
    internal static OnnxInputSlot Input() => new(OnnxInputKind.Input);
    internal static OnnxInputSlot Weight(string name, long[] shape, bool trainable, string onnxName) =>
        new(OnnxInputKind.Weight) { WeightName = name, WeightShape = shape, Trainable = trainable, OnnxName = onnxName };
    internal static OnnxInputSlot Const(Tensor value, string onnxName) =>
        new(OnnxInputKind.Constant) { Constant = value, OnnxName = onnxName };

    internal JsonObject ToJson() => Kind switch
    {
        OnnxInputKind.None => new JsonObject { ["kind"] = "none" },
        OnnxInputKind.Input => new JsonObject { ["kind"] = "input" },
        OnnxInputKind.Weight => new JsonObject
        {
            ["kind"] = "weight", ["name"] = WeightName, ["onnx_name"] = OnnxName, ["trainable"] = Trainable,
            ["shape"] = new JsonArray(WeightShape!.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
        },
        _ => OnnxTensorJson.Write(Constant!, OnnxName),
    };

    internal static OnnxInputSlot FromJson(JsonObject o)
    {
        string kind = o["kind"]?.GetValue<string>() ?? throw new FormatException("OnnxOp input has no `kind`.");
        return kind switch
        {
            "none" => None(),
            "input" => Input(),
            "weight" => Weight(o["name"]!.GetValue<string>(), (o["shape"] as JsonArray)!.Select(n => n!.GetValue<long>()).ToArray(),
                o["trainable"]?.GetValue<bool>() ?? true, o["onnx_name"]?.GetValue<string>() ?? o["name"]!.GetValue<string>()),
            "constant" => Const(OnnxTensorJson.Read(o), o["onnx_name"]?.GetValue<string>() ?? ""),
            _ => throw new FormatException($"OnnxOp input kind \"{kind}\" is unknown; expected none, input, weight or constant."),
        };
    }
}
