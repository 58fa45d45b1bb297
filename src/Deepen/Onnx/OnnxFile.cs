using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using Deepen.Onnx.Ops;
using static TorchSharp.torch;

namespace Deepen.Onnx;

/// <summary>
/// Reads an ONNX file and checks it before anything large is allocated: the bytes must parse as an ONNX
/// <c>ModelProto</c> with a graph; every op must be supported; tensors must have sane dimensions whose data matches
/// them; external data must stay inside the model's folder; the graph must not have cycles or undefined values.
/// </summary>
internal sealed class OnnxFile
{
    /// <summary>The largest file read (protobuf's own limit is 2 GiB).</summary>
    public const long MaxFileBytes = int.MaxValue;
    /// <summary>The most elements one tensor may declare.</summary>
    public const long MaxTensorElements = 1L << 31;
    /// <summary>The most nodes a graph may have.</summary>
    public const int MaxNodes = 1 << 20;

    OnnxFile(ModelProto model, string path, int opset)
    {
        Model = model;
        Path = path;
        Opset = opset;
    }

    public ModelProto Model { get; }
    public string Path { get; }
    public int Opset { get; }
    public GraphProto Graph => Model.Graph;

    public static OnnxFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"ONNX file not found: {full}", full);
        long length = new FileInfo(full).Length;
        if (length == 0) throw new OnnxFormatException(full, "the file is empty; expected an ONNX model (a protobuf ModelProto).");
        if (length > MaxFileBytes) throw new OnnxFormatException(full, $"the file holds {length} bytes; ONNX files are at most 2 GiB (larger weights go in external data).");
        ModelProto model;
        try
        {
            var parser = new MessageParser<ModelProto>(() => new ModelProto());
            model = parser.ParseFrom(File.ReadAllBytes(full));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(full, $"the bytes are not an ONNX model (truncated or not protobuf): {e.Message}", e);
        }
        if (model.Graph is null || (model.Graph.Node.Count == 0 && model.Graph.Output.Count == 0))
            throw new OnnxFormatException(full, "the bytes parse but hold no ONNX graph; is this an ONNX model file?");
        var opsetEntry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        int opset = opsetEntry is null ? 1 : (int)Math.Clamp(opsetEntry.Version, 0, int.MaxValue);
        if (opset < 7 || opset > 23)
            throw new OnnxFormatException(full, $"the model uses ONNX opset {opset}; Deepen reads opsets 7 to 23.");
        var file = new OnnxFile(model, full, opset);
        file.Validate();
        return file;
    }

    void Validate()
    {
        var g = Graph;
        if (g.Node.Count > MaxNodes) throw Error($"the graph has {g.Node.Count} nodes (at most {MaxNodes}).");
        var unsupported = g.Node.Select((n, i) => (n, i)).Where(p => (p.n.Domain is not ("" or "ai.onnx")) || !OnnxKernels.Supports(p.n.OpType)).ToList();
        if (unsupported.Count > 0)
        {
            var (n, i) = unsupported[0];
            string op = n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}";
            throw Error($"unsupported ONNX op \"{op}\" in node \"{NodeName(n, i)}\" (node {i})" +
                (unsupported.Count > 1 ? $" and {unsupported.Count - 1} more node(s) ({string.Join(", ", unsupported.Skip(1).Select(p => p.n.OpType).Distinct())})" : "") +
                $". Supported ops: {string.Join(", ", OnnxKernels.Ops)}.");
        }
        foreach (var t in g.Initializer) CheckTensor(t, $"initializer \"{t.Name}\"");
        foreach (var (n, i) in g.Node.Select((n, i) => (n, i)))
            foreach (var a in n.Attribute)
            {
                if (a.T is not null && a.Type == AttributeProto.Types.AttributeType.Tensor) CheckTensor(a.T, $"attribute \"{a.Name}\" of node \"{NodeName(n, i)}\"");
                if (a.G is not null && a.Type == AttributeProto.Types.AttributeType.Graph)
                    throw Error($"node \"{NodeName(n, i)}\" ({n.OpType}) has a subgraph; control flow (If, Loop, Scan) is not supported.");
            }
        foreach (var v in g.Input.Concat(g.Output))
        {
            var dims = v.Type?.TensorType?.Shape?.Dim;
            if (dims is null) continue;
            if (dims.Count > 8) throw Error($"value \"{v.Name}\" has rank {dims.Count} (at most 8).");
            foreach (var d in dims)
                if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && (d.DimValue < 0 || d.DimValue > int.MaxValue))
                    throw Error($"value \"{v.Name}\" declares dimension {d.DimValue}; dimensions must be between 0 and {int.MaxValue}.");
        }
        TopologicalOrder();
    }

    /// <summary>The nodes in an order where each follows the nodes it reads; rejects cycles and undefined values.</summary>
    public IReadOnlyList<int> TopologicalOrder()
    {
        var g = Graph;
        var available = new HashSet<string>(g.Initializer.Select(t => t.Name).Concat(g.Input.Select(i => i.Name))) { "" };
        var producer = new Dictionary<string, int>();
        for (int i = 0; i < g.Node.Count; i++)
            foreach (var o in g.Node[i].Output.Where(o => o.Length > 0))
                if (!producer.TryAdd(o, i) || available.Contains(o))
                    throw Error($"value \"{o}\" is produced twice (node \"{NodeName(g.Node[i], i)}\"); ONNX graphs assign each value once.");
        var pending = new int[g.Node.Count];
        var readers = new Dictionary<string, List<int>>();
        for (int i = 0; i < g.Node.Count; i++)
            foreach (var input in g.Node[i].Input.Distinct())
            {
                if (available.Contains(input)) continue;
                if (!producer.ContainsKey(input))
                    throw Error($"node \"{NodeName(g.Node[i], i)}\" ({g.Node[i].OpType}) reads \"{input}\", which no node, input or initializer defines.");
                pending[i]++;
                (readers.TryGetValue(input, out var list) ? list : readers[input] = new List<int>()).Add(i);
            }
        var ready = new Queue<int>(Enumerable.Range(0, g.Node.Count).Where(i => pending[i] == 0));
        var order = new List<int>(g.Node.Count);
        while (ready.Count > 0)
        {
            int i = ready.Dequeue();
            order.Add(i);
            foreach (var o in g.Node[i].Output)
                if (readers.TryGetValue(o, out var list))
                    foreach (var r in list)
                        if (--pending[r] == 0) ready.Enqueue(r);
        }
        if (order.Count != g.Node.Count)
        {
            int stuck = Enumerable.Range(0, g.Node.Count).First(i => pending[i] > 0);
            throw Error($"the graph has a cycle (node \"{NodeName(g.Node[stuck], stuck)}\" ({g.Node[stuck].OpType}) depends on its own output); ONNX graphs are acyclic.");
        }
        foreach (var o in g.Output)
            if (!available.Contains(o.Name) && !producer.ContainsKey(o.Name))
                throw Error($"graph output \"{o.Name}\" is not produced by any node.");
        return order;
    }

    public static string NodeName(NodeProto n, int index) => n.Name.Length > 0 ? n.Name : $"{n.OpType}_{index}";

    OnnxFormatException Error(string message) => new(Path, message);

    static int ElementSize(int type) => type switch
    {
        OnnxTypes.Float or OnnxTypes.Int32 => 4,
        OnnxTypes.Double or OnnxTypes.Int64 => 8,
        OnnxTypes.Int8 or OnnxTypes.Uint8 or OnnxTypes.Bool => 1,
        10 or 16 => 2,
        _ => 0,
    };

    long Elements(TensorProto t, string what)
    {
        if (t.Dims.Count > 8) throw Error($"{what} has rank {t.Dims.Count} (at most 8).");
        long count = 1;
        foreach (var d in t.Dims)
        {
            if (d < 0 || d > MaxTensorElements) throw Error($"{what} declares dimension {d}; dimensions must be between 0 and {MaxTensorElements}.");
            count *= d;
            if (count > MaxTensorElements) throw Error($"{what} declares [{string.Join(", ", t.Dims)}]: more than {MaxTensorElements} elements.");
        }
        return count;
    }

    void CheckTensor(TensorProto t, string what)
    {
        long count = Elements(t, what);
        int size = ElementSize(t.DataType);
        if (size == 0) throw Error($"{what} has element type {t.DataType}, which Deepen does not read (float, double, float16, bfloat16, int64, int32, int8, uint8, bool).");
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var (file, offset, length) = ExternalData(t, what);
            if (length >= 0 && length != count * size) throw Error($"{what} declares {count} elements but its external data has {length} bytes.");
            if (offset + count * size > new FileInfo(file).Length)
                throw Error($"{what} reads bytes {offset}..{offset + count * size} of \"{file}\", which is shorter.");
            return;
        }
        long have = t.RawData.Length > 0 ? t.RawData.Length / size
            : t.DataType switch
            {
                OnnxTypes.Float => t.FloatData.Count,
                OnnxTypes.Double => t.DoubleData.Count,
                OnnxTypes.Int64 => t.Int64Data.Count,
                _ => t.Int32Data.Count,
            };
        if (t.RawData.Length > 0 && t.RawData.Length % size != 0) throw Error($"{what} has {t.RawData.Length} raw bytes, not a whole number of {size}-byte elements.");
        if (have != count) throw Error($"{what} declares [{string.Join(", ", t.Dims)}] ({count} elements) but holds {have}.");
    }

    (string File, long Offset, long Length) ExternalData(TensorProto t, string what)
    {
        string? location = null; long offset = 0, length = -1;
        foreach (var kv in t.ExternalData)
        {
            if (kv.Key == "location") location = kv.Value;
            else if (kv.Key == "offset" && !long.TryParse(kv.Value, out offset)) throw Error($"{what}: external data offset \"{kv.Value}\" is not a number.");
            else if (kv.Key == "length" && !long.TryParse(kv.Value, out length)) throw Error($"{what}: external data length \"{kv.Value}\" is not a number.");
        }
        if (string.IsNullOrEmpty(location)) throw Error($"{what} is external data without a location.");
        if (offset < 0) throw Error($"{what}: external data offset {offset} is negative.");
        string folder = System.IO.Path.GetDirectoryName(Path)!;
        string file = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, location));
        string root = folder.EndsWith(System.IO.Path.DirectorySeparatorChar) ? folder : folder + System.IO.Path.DirectorySeparatorChar;
        if (System.IO.Path.IsPathRooted(location) || !file.StartsWith(root, StringComparison.Ordinal))
            throw Error($"{what} points to external data \"{location}\" outside the model's folder; only files beside the model are read.");
        if (!File.Exists(file)) throw Error($"{what} points to external data \"{location}\", which does not exist.");
        return (file, offset, length);
    }

    /// <summary>The tensor's values (checked by <see cref="Validate"/>), on the CPU.</summary>
    public Tensor ToTensor(TensorProto t)
    {
        var dims = t.Dims.ToArray();
        byte[]? raw = null;
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var (file, offset, _) = ExternalData(t, $"tensor \"{t.Name}\"");
            long bytes = Elements(t, t.Name) * ElementSize(t.DataType);
            raw = new byte[bytes];
            using var s = File.OpenRead(file);
            s.Seek(offset, SeekOrigin.Begin);
            s.ReadExactly(raw);
        }
        else if (t.RawData.Length > 0) raw = t.RawData.ToByteArray();
        if (raw is not null)
        {
            var span = new ReadOnlySpan<byte>(raw);
            return t.DataType switch
            {
                OnnxTypes.Float => tensor(MemoryMarshal.Cast<byte, float>(span).ToArray()).reshape(dims),
                OnnxTypes.Double => tensor(MemoryMarshal.Cast<byte, double>(span).ToArray()).reshape(dims),
                OnnxTypes.Int64 => tensor(MemoryMarshal.Cast<byte, long>(span).ToArray()).reshape(dims),
                OnnxTypes.Int32 => tensor(MemoryMarshal.Cast<byte, int>(span).ToArray()).reshape(dims),
                OnnxTypes.Int8 => tensor(MemoryMarshal.Cast<byte, sbyte>(span).ToArray()).reshape(dims),
                OnnxTypes.Uint8 => tensor(raw).reshape(dims),
                OnnxTypes.Bool => tensor(raw.Select(b => b != 0).ToArray()).reshape(dims),
                10 => tensor(MemoryMarshal.Cast<byte, Half>(span).ToArray()).reshape(dims).to_type(ScalarType.Float32),
                _ => throw Error($"tensor \"{t.Name}\" of type {t.DataType} is not read."),
            };
        }
        return t.DataType switch
        {
            OnnxTypes.Float => tensor(t.FloatData.ToArray()).reshape(dims),
            OnnxTypes.Double => tensor(t.DoubleData.ToArray()).reshape(dims),
            OnnxTypes.Int64 => tensor(t.Int64Data.ToArray()).reshape(dims),
            OnnxTypes.Int32 => tensor(t.Int32Data.ToArray()).reshape(dims),
            OnnxTypes.Bool => tensor(t.Int32Data.Select(v => v != 0).ToArray()).reshape(dims),
            OnnxTypes.Int8 => tensor(t.Int32Data.Select(v => (sbyte)v).ToArray()).reshape(dims),
            OnnxTypes.Uint8 => tensor(t.Int32Data.Select(v => (byte)v).ToArray()).reshape(dims),
            _ => throw Error($"tensor \"{t.Name}\" of type {t.DataType} has no raw data; only raw float16/bfloat16 tensors are read."),
        };
    }
}
