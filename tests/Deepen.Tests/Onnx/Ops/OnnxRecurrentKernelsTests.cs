using Deepen.Models;
using Deepen.Tests.Helpers;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Deepen.Tests.Onnx.Ops;

/// <summary>
/// ONNX's RNN, GRU and LSTM ops imported into Deepen against ONNX Runtime on hand-built files: every direction
/// (bidirectional included, which Deepen's own export never writes), GRU's linear_before_reset 0 and 1, a Relu RNN,
/// and sequence_lens computed in the graph (rows of length 0 to T).
/// </summary>
public class OnnxRecurrentKernelsTests
{
    const int Steps = 5, Features = 4, Hidden = 3;

    static ValueInfoProto Value(string name, int type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }

    static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = outputs[0] };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    static TensorProto Floats(string name, Tensor t)
    {
        var p = new TensorProto { Name = name, DataType = 1 };
        p.Dims.AddRange(t.shape);
        p.FloatData.AddRange(t.contiguous().data<float>().ToArray());
        return p;
    }

    static byte[] File(string op, string direction, int linearBeforeReset, string? activation)
    {
        int gates = op switch { "LSTM" => 4, "GRU" => 3, _ => 1 }, directions = direction == "bidirectional" ? 2 : 1;
        var g = new GraphProto { Name = "recurrent" };
        g.Input.Add(Value("x", 1, Steps, Features));
        g.Input.Add(Value("valid", 1, Steps));
        g.Initializer.Add(Floats("W", randn(directions, gates * Hidden, Features) * 0.5));
        g.Initializer.Add(Floats("R", randn(directions, gates * Hidden, Hidden) * 0.5));
        g.Initializer.Add(Floats("B", randn(directions, 2 * gates * Hidden) * 0.3));
        g.Initializer.Add(new TensorProto { Name = "time_axis", DataType = 7, Dims = { 1 }, Int64Data = { 1 } });
        g.Node.Add(Node("Transpose", ["x"], ["xt"], Ints("perm", 1, 0, 2)));
        g.Node.Add(Node("Cast", ["valid"], ["valid_int"], new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = 6 }));
        g.Node.Add(Node("ReduceSum", ["valid_int", "time_axis"], ["lengths"], new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 }));
        var attributes = new List<AttributeProto>
        {
            new() { Name = "hidden_size", Type = AttributeProto.Types.AttributeType.Int, I = Hidden },
            new() { Name = "direction", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(direction) },
        };
        if (op == "GRU") attributes.Add(new() { Name = "linear_before_reset", Type = AttributeProto.Types.AttributeType.Int, I = linearBeforeReset });
        if (activation is not null)
        {
            var a = new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings };
            a.Strings.AddRange(Enumerable.Repeat(ByteString.CopyFromUtf8(activation), directions));
            attributes.Add(a);
        }
        g.Node.Add(Node(op, ["xt", "W", "R", "B", "lengths"], ["Y", "Y_h"], attributes.ToArray()));
        g.Node.Add(Node("Transpose", ["Y"], ["y"], Ints("perm", 2, 0, 1, 3)));        // [N, T, D, H]
        g.Node.Add(Node("Transpose", ["Y_h"], ["h"], Ints("perm", 1, 0, 2)));         // [N, D, H]
        g.Output.Add(Value("y", 1, Steps, directions, Hidden));
        g.Output.Add(Value("h", 1, directions, Hidden));
        var m = new ModelProto { IrVersion = 8, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return m.ToByteArray();
    }

    [Theory]
    [InlineData("LSTM", "forward", 0, null)]
    [InlineData("LSTM", "bidirectional", 0, null)]
    [InlineData("GRU", "reverse", 0, null)]
    [InlineData("GRU", "bidirectional", 1, null)]
    [InlineData("RNN", "bidirectional", 0, "Relu")]
    [InlineData("RNN", "reverse", 0, null)]
    public void Imported_recurrent_op_agrees_with_OnnxRuntime(string op, string direction, int linearBeforeReset, string? activation)
    {
        Backend.SetRandomSeed(30);
        using var dir = new TempDir();
        string path = dir.File("rnn.onnx");
        System.IO.File.WriteAllBytes(path, File(op, direction, linearBeforeReset, activation));
        using var model = Model.FromOnnx(path);
        using var x = randn(4, Steps, Features);
        // Trailing padding with lengths 5, 0, 3, 1 (sequence_lens counts the valid steps).
        using var valid = tensor(new float[] { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0 }, new long[] { 4, Steps });
        var ort = OnnxTestSupport.RunFloat(path, x, valid);
        var deepen = model.Predict([x, valid]);
        OnnxTestSupport.AssertClose(ort[0], deepen[0], what: $"{op} {direction} Y");
        OnnxTestSupport.AssertClose(ort[1], deepen[1], what: $"{op} {direction} Y_h");
    }
}
