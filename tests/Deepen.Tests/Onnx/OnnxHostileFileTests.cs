using Deepen.Models;
using Deepen.Onnx;
using Deepen.Tests.Helpers;
using Google.Protobuf;
using Onnx;

namespace Deepen.Tests.Onnx;

/// <summary>Hostile or unsupported files: a clear <see cref="OnnxFormatException"/>, never a crash or a huge allocation.</summary>
public class OnnxHostileFileTests
{
    static ModelProto Model(Action<GraphProto> build, long opset = 13)
    {
        var g = new GraphProto { Name = "g" };
        g.Input.Add(Value("x", 1, 4));
        build(g);
        var m = new ModelProto { IrVersion = 7, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return m;
    }

    static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        return n;
    }

    static OnnxFormatException Import(TempDir dir, byte[] bytes)
    {
        string path = dir.File("model.onnx");
        File.WriteAllBytes(path, bytes);
        return Assert.Throws<OnnxFormatException>(() => Deepen.Models.Model.FromOnnx(path));
    }

    [Fact]
    public void Empty_random_and_truncated_bytes_are_rejected()
    {
        using var dir = new TempDir();
        Assert.Contains("empty", Import(dir, Array.Empty<byte>()).Message);
        var random = new byte[4096];
        new Random(1).NextBytes(random);
        Assert.Contains("not an ONNX model", Import(dir, random).Message);
        Assert.Contains("ONNX", Import(dir, "{\"layers\": []}"u8.ToArray()).Message);
        var good = Model(g => { g.Node.Add(Node("Relu", "r", ["x"], ["y"])); g.Output.Add(Value("y", 1, 4)); }).ToByteArray();
        Assert.Contains("truncated", Import(dir, good[..(good.Length - 5)]).Message);
    }

    [Fact]
    public void An_unsupported_op_names_the_op_the_node_and_the_supported_list()
    {
        using var dir = new TempDir();
        var e = Import(dir, Model(g => { g.Node.Add(Node("NonMaxSuppression", "nms_1", ["x"], ["y"])); g.Output.Add(Value("y", 1, 4)); }).ToByteArray());
        Assert.Contains("\"NonMaxSuppression\"", e.Message);
        Assert.Contains("\"nms_1\"", e.Message);
        Assert.Contains("Supported ops:", e.Message);
        Assert.Contains("Conv", e.Message);
    }

    [Fact]
    public void A_cycle_is_rejected()
    {
        using var dir = new TempDir();
        var e = Import(dir, Model(g =>
        {
            g.Node.Add(Node("Add", "a", ["x", "c"], ["b"]));
            g.Node.Add(Node("Relu", "r", ["b"], ["c"]));
            g.Output.Add(Value("c", 1, 4));
        }).ToByteArray());
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void Absurd_dimensions_are_rejected_before_allocation()
    {
        using var dir = new TempDir();
        var huge = new TensorProto { Name = "w", DataType = 1 };
        huge.Dims.AddRange(new long[] { 1L << 20, 1L << 20, 1L << 20 });
        huge.RawData = ByteString.CopyFrom(new byte[16]);
        var e = Import(dir, Model(g => { g.Initializer.Add(huge); g.Node.Add(Node("Add", "a", ["x", "w"], ["y"])); g.Output.Add(Value("y", 1, 4)); }).ToByteArray());
        Assert.Contains("more than", e.Message);

        var lying = new TensorProto { Name = "w", DataType = 1 };
        lying.Dims.AddRange(new long[] { 1000, 1000 });
        lying.RawData = ByteString.CopyFrom(new byte[16]);
        e = Import(dir, Model(g => { g.Initializer.Add(lying); g.Node.Add(Node("Add", "a", ["x", "w"], ["y"])); g.Output.Add(Value("y", 1, 4)); }).ToByteArray());
        Assert.Contains("holds 4", e.Message);

        var negative = Model(g => { g.Node.Add(Node("Relu", "r", ["x"], ["y"])); g.Output.Add(Value("y", 1, 4)); });
        negative.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = -5;
        Assert.Contains("dimension -5", Import(dir, negative.ToByteArray()).Message);
    }

    [Fact]
    public void External_data_outside_the_model_folder_is_rejected()
    {
        using var dir = new TempDir();
        var t = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.Add(4);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../etc/passwd" });
        var e = Import(dir, Model(g => { g.Initializer.Add(t); g.Node.Add(Node("Add", "a", ["x", "w"], ["y"])); g.Output.Add(Value("y", 1, 4)); }).ToByteArray());
        Assert.Contains("outside the model's folder", e.Message);
    }

    [Fact]
    public void An_undefined_value_and_an_open_dimension_are_explained()
    {
        using var dir = new TempDir();
        var e = Import(dir, Model(g => { g.Node.Add(Node("Add", "a", ["x", "nowhere"], ["y"])); g.Output.Add(Value("y", 1, 4)); }).ToByteArray());
        Assert.Contains("\"nowhere\"", e.Message);

        var open = Model(g => { g.Node.Add(Node("Relu", "r", ["x"], ["y"])); g.Output.Add(Value("y", 1, 4)); });
        open.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimParam = "sequence";
        string path = dir.File("open.onnx");
        File.WriteAllBytes(path, open.ToByteArray());
        var message = Assert.Throws<OnnxFormatException>(() => Deepen.Models.Model.FromOnnx(path)).Message;
        Assert.Contains("InputShapes[\"x\"]", message);
        using var model = Deepen.Models.Model.FromOnnx(path, new OnnxImportOptions { InputShapes = { ["x"] = [7] } });
        Assert.Equal(new Shape(7), model.InputShape);
    }
}
