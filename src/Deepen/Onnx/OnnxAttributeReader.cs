using System.Text.Json.Nodes;
using Deepen.Onnx.Ops;
using Onnx;
using static TorchSharp.torch;

namespace Deepen.Onnx;

/// <summary>An ONNX node's attributes as JSON (ints, floats, strings and lists; tensors as small constants).</summary>
internal static class OnnxAttributeReader
{
    public static OnnxAttributes Read(NodeProto node, OnnxFile file)
    {
        var json = new JsonObject();
        foreach (var a in node.Attribute)
        {
            json[a.Name] = a.Type switch
            {
                AttributeProto.Types.AttributeType.Int => JsonValue.Create(a.I),
                AttributeProto.Types.AttributeType.Float => JsonValue.Create((double)a.F),
                AttributeProto.Types.AttributeType.String => JsonValue.Create(a.S.ToStringUtf8()),
                AttributeProto.Types.AttributeType.Ints => new JsonArray(a.Ints.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
                AttributeProto.Types.AttributeType.Floats => new JsonArray(a.Floats.Select(v => (JsonNode?)JsonValue.Create((double)v)).ToArray()),
                AttributeProto.Types.AttributeType.Strings => new JsonArray(a.Strings.Select(v => (JsonNode?)JsonValue.Create(v.ToStringUtf8())).ToArray()),
                AttributeProto.Types.AttributeType.Tensor => SmallTensor(file.ToTensor(a.T), a.Name, node),
                _ => throw new NotSupportedException($"attribute \"{a.Name}\" of type {a.Type} is not supported."),
            };
        }
        return new OnnxAttributes(json);
    }

    static JsonNode SmallTensor(Tensor t, string name, NodeProto node)
    {
        using (t)
        {
            if (node.OpType == "Constant") return new JsonObject();              // read by ConstantValue
            if (t.numel() > OnnxTensorJson.MaxElements) throw new NotSupportedException($"tensor attribute \"{name}\" has {t.numel()} elements.");
            return OnnxTensorJson.Write(t, name);
        }
    }

    /// <summary>The value of a Constant node.</summary>
    public static Tensor ConstantValue(NodeProto node, OnnxFile file)
    {
        foreach (var a in node.Attribute)
        {
            switch (a.Name)
            {
                case "value": return file.ToTensor(a.T);
                case "value_float": return tensor(a.F);
                case "value_floats": return tensor(a.Floats.ToArray());
                case "value_int": return tensor(a.I);
                case "value_ints": return tensor(a.Ints.ToArray());
            }
        }
        throw new NotSupportedException("Constant node has no value, value_float(s) or value_int(s) attribute.");
    }
}
