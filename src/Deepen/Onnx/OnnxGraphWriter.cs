using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Deepen.Onnx;

/// <summary>Builds an ONNX graph: unique value names, nodes with attributes, initializers as raw little-endian data.</summary>
internal sealed class OnnxGraphWriter
{
    readonly HashSet<string> _names = new();
    int _counter;

    public OnnxGraphWriter(int opset) => Opset = opset;

    public int Opset { get; }
    public GraphProto Graph { get; } = new() { Name = "deepen" };

    public string Unique(string hint)
    {
        string name = hint;
        while (!_names.Add(name)) name = $"{hint}_{++_counter}";
        return name;
    }

    /// <summary>Adds a node and returns the name of its (first) output.</summary>
    public string Node(string op, string hint, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        NodeWithOutputs(op, hint, inputs, 1, attributes)[0];

    public string[] NodeWithOutputs(string op, string hint, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique(hint + "/" + op) };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => Unique(hint + (i == 0 ? "" : $"_{i}"))).ToArray();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>Adds an initializer holding <paramref name="value"/> (float32 or int64 kept, other floats as float32).</summary>
    public string Initializer(string hint, Tensor value)
    {
        using var cpu = value.detach().cpu().contiguous();
        var t = new TensorProto { Name = Unique(hint) };
        t.Dims.AddRange(cpu.shape);
        if (cpu.is_floating_point())
        {
            using var f = cpu.to_type(ScalarType.Float32);
            t.DataType = OnnxTypes.Float;
            t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.data<float>().ToArray().AsSpan()));
        }
        else if (cpu.dtype == ScalarType.Bool)
        {
            t.DataType = OnnxTypes.Bool;
            t.RawData = ByteString.CopyFrom(cpu.data<bool>().Select(b => (byte)(b ? 1 : 0)).ToArray());
        }
        else
        {
            using var l = cpu.to_type(ScalarType.Int64);
            t.DataType = OnnxTypes.Int64;
            t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(l.data<long>().ToArray().AsSpan()));
        }
        Graph.Initializer.Add(t);
        return t.Name;
    }

    public string Longs(string hint, params long[] values)
    {
        using var t = tensor(values);
        return Initializer(hint, t);
    }

    public string Scalar(string hint, float value)
    {
        using var t = tensor(value);
        return Initializer(hint, t);
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    public static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };
    public static AttributeProto String(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
    public static AttributeProto Floats(string name, IEnumerable<double> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values.Select(v => (float)v));
        return a;
    }

    public static ValueInfoProto ValueInfo(string name, int elemType, IEnumerable<int> dimsWithoutBatch)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (var d in dimsWithoutBatch) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }
}
