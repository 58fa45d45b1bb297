using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Deepen.Data;

/// <summary>
/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte[.gz]</c>):
/// a big-endian header (magic: two zero bytes, a type code, the number of dimensions; then each dimension as a
/// 32-bit integer) followed by the data. Gzip-compressed files (recognised by content) are decompressed on the fly;
/// files are written compressed when the path ends in .gz.
/// </summary>
/// <example><code>
/// Tensor images = Idx.ReadImages("data/mnist/train-images-idx3-ubyte.gz");  // [N, 28, 28, 1] float32 in 0..255
/// Tensor labels = Idx.Read("data/mnist/train-labels-idx1-ubyte.gz");        // [N] uint8 → int64 labels
/// </code></example>
public static class Idx
{
    /// <summary>Reads any IDX file as a tensor of its own shape: uint8/int8 data become int64 for rank 1 (labels) and float32 otherwise.</summary>
    public static Tensor Read(string path)
    {
        var (shape, type, data) = ReadRaw(path);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int size = ElementSize(path, type);
        if (data.Length != count * size)
            throw new InvalidDataException($"IDX file \"{path}\" is truncated or corrupted: the header announces [{string.Join(", ", shape)}] = {count} elements of {size} byte(s), but {data.Length} data bytes follow.");
        Tensor t = type switch
        {
            0x08 => tensor(data, shape),
            0x09 => tensor(data.Select(b => (sbyte)b).ToArray(), shape),
            0x0B => tensor(Enumerable.Range(0, (int)count).Select(i => BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(i * 2))).ToArray(), shape),
            0x0C => tensor(Enumerable.Range(0, (int)count).Select(i => BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(i * 4))).ToArray(), shape),
            0x0D => tensor(Enumerable.Range(0, (int)count).Select(i => BinaryPrimitives.ReadSingleBigEndian(data.AsSpan(i * 4))).ToArray(), shape),
            _ => tensor(Enumerable.Range(0, (int)count).Select(i => BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(i * 8))).ToArray(), shape),
        };
        using (t) return shape.Length == 1 ? t.to(ScalarType.Int64) : t.to(ScalarType.Float32);
    }

    /// <summary>Reads an image file ([N, rows, cols]) as a Keras-layout batch [N, rows, cols, 1] of float32 pixel values (0–255).</summary>
    public static Tensor ReadImages(string path)
    {
        using var t = Read(path);
        if (t.dim() != 3)
            throw new InvalidDataException($"IDX file \"{path}\" holds a tensor of rank {t.dim()}; expected images of rank 3 [N, rows, cols].");
        return t.unsqueeze(-1);
    }

    /// <summary>Reads a label file ([N]) as int64 class indices.</summary>
    public static Tensor ReadLabels(string path)
    {
        var t = Read(path);
        long rank = t.dim();
        if (rank == 1) return t;
        t.Dispose();
        throw new InvalidDataException($"IDX file \"{path}\" holds a tensor of rank {rank}; expected labels of rank 1 [N].");
    }

    /// <summary>
    /// Loads the four files of an MNIST-style folder (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
    /// <c>t10k-…</c>, each raw or .gz), like Keras's <c>mnist.load_data()</c> but in Deepen's layout: images float32
    /// [N, 28, 28, 1] with values 0–255, labels int64 [N].
    /// </summary>
    /// <example><code>var ((xTrain, yTrain), (xTest, yTest)) = Idx.LoadMnist("data/fashion-mnist");</code></example>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) LoadMnist(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string Find(string name)
        {
            foreach (var candidate in new[] { name, name + ".gz" })
                if (File.Exists(Path.Combine(directory, candidate))) return Path.Combine(directory, candidate);
            throw Utils.Check.Invalid(nameof(directory), directory, $"a folder holding {name} or {name}.gz (scripts/fetch-datasets.sh writes them)");
        }
        return ((ReadImages(Find("train-images-idx3-ubyte")), ReadLabels(Find("train-labels-idx1-ubyte"))),
                (ReadImages(Find("t10k-images-idx3-ubyte")), ReadLabels(Find("t10k-labels-idx1-ubyte"))));
    }

    /// <summary>
    /// Writes a tensor as IDX with the type code of its element type (uint8 0x08, int8 0x09, int16 0x0B, int32 0x0C,
    /// float32 0x0D, float64 0x0E); gzip-compressed when the path ends in .gz.
    /// </summary>
    /// <example><code>Idx.Write("labels-idx1-ubyte.gz", torch.tensor(new byte[] { 3, 1, 4 }));</code></example>
    public static void Write(string path, Tensor data)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(data);
        (byte code, int size) = data.dtype switch
        {
            ScalarType.Byte => ((byte)0x08, 1),
            ScalarType.Int8 => ((byte)0x09, 1),
            ScalarType.Int16 => ((byte)0x0B, 2),
            ScalarType.Int32 => ((byte)0x0C, 4),
            ScalarType.Float32 => ((byte)0x0D, 4),
            ScalarType.Float64 => ((byte)0x0E, 8),
            _ => throw Utils.Check.Invalid(nameof(data), data.dtype.ToString(), "a tensor of type uint8, int8, int16, int32, float32 or float64"),
        };
        if (data.dim() is 0 or > 255) throw Utils.Check.Invalid(nameof(data), $"a tensor of rank {data.dim()}", "a tensor of rank 1 to 255");
        using var contiguous = data.cpu().contiguous();
        var payload = contiguous.bytes.ToArray();
        if (size > 1 && BitConverter.IsLittleEndian)
            for (int i = 0; i < payload.Length; i += size) Array.Reverse(payload, i, size);
        WriteRaw(path, code, data.shape.Select(d => (int)d).ToArray(), payload);
    }

    /// <summary>Writes unsigned bytes as an IDX file (type 0x08); gzip-compressed when the path ends in .gz.</summary>
    public static void WriteBytes(string path, byte[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw Utils.Check.Invalid(nameof(shape), shape, $"dimensions whose product is the data length {data.Length}");
        WriteRaw(path, 0x08, shape, data);
    }

    static void WriteRaw(string path, byte code, int[] shape, byte[] data)
    {
        using var file = File.Create(path);
        using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Optimal) : file;
        var header = new byte[4 + 4 * shape.Length];
        header[2] = code;
        header[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), shape[i]);
        s.Write(header);
        s.Write(data);
    }

    static int ElementSize(string path, byte type) => type switch
    {
        0x08 or 0x09 => 1,
        0x0B => 2,
        0x0C or 0x0D => 4,
        0x0E => 8,
        _ => throw new InvalidDataException($"IDX file \"{path}\" has an unknown data type code 0x{type:X2}; expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E."),
    };

    static (long[] Shape, byte Type, byte[] Data) ReadRaw(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file \"{path}\" does not exist.", path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)          // gzip, whatever the file is named
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                bytes = ms.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"IDX file \"{path}\" is not valid gzip data ({e.Message}).", e);
        }
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"\"{path}\" is not an IDX file: it must start with two zero bytes, a type code and a rank.");
        int rank = bytes[3];
        if (rank == 0 || bytes.Length < 4 + 4 * rank)
            throw new InvalidDataException($"IDX file \"{path}\" has a truncated header (rank {rank}, {bytes.Length} bytes).");
        var shape = new long[rank];
        for (int i = 0; i < rank; i++) shape[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
        return (shape, bytes[2], bytes[(4 + 4 * rank)..]);
    }
}
