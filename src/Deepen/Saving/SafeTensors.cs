using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Saving;

/// <summary>
/// Reads and writes the safetensors layout: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian data. Only F32 is used for weights.
/// </summary>
public static class SafeTensors
{
    /// <summary>Serializes named tensors (converted to float32 on the CPU).</summary>
    public static byte[] Write(IEnumerable<(string Name, Tensor Value)> tensors)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        using var data = new MemoryStream();
        foreach (var (name, value) in tensors)
        {
            // A repeated name would overwrite the earlier tensor's header entry and lose its values without a word.
            if (header.ContainsKey(name)) throw new ArgumentException($"Two tensors are named \"{name}\"; safetensors keys must be unique (give the layers or weights distinct names).", nameof(tensors));
            using var cpu = value.detach().to(ScalarType.Float32).cpu().contiguous();
            var floats = cpu.data<float>().ToArray();
            var bytes = MemoryMarshal.AsBytes(floats.AsSpan());
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors needs a little-endian machine.");
            long begin = data.Position;
            data.Write(bytes);
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(cpu.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(begin), JsonValue.Create(data.Position)),
            };
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        headerBytes.CopyTo(result, 8);
        for (int i = 8 + headerBytes.Length; i < 8 + padded; i++) result[i] = (byte)' ';
        data.GetBuffer().AsSpan(0, (int)data.Length).CopyTo(result.AsSpan(8 + padded));
        return result;
    }

    /// <summary>Parses a safetensors image into float32 tensors; throws <see cref="FormatException"/> naming the problem.</summary>
    public static Dictionary<string, Tensor> Read(byte[] image)
    {
        if (image.Length < 8) throw new FormatException($"the weights are truncated: {image.Length} bytes, fewer than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(image);
        if (headerLength > (ulong)(image.Length - 8))
            throw new FormatException($"the weights header claims {headerLength} bytes but only {image.Length - 8} follow (truncated or corrupted).");
        JsonObject header;
        try { header = JsonNode.Parse(Encoding.UTF8.GetString(image, 8, (int)headerLength))?.AsObject() ?? throw new FormatException("empty header"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new FormatException($"the weights header is not valid JSON ({e.Message}).", e); }
        long dataStart = 8 + (long)headerLength, dataLength = image.Length - dataStart;
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__") continue;
                var entry = node as JsonObject ?? throw new FormatException($"weight \"{name}\" has no descriptor.");
                string dtype = entry["dtype"]?.GetValue<string>() ?? throw new FormatException($"weight \"{name}\" has no dtype.");
                if (dtype != "F32") throw new FormatException($"weight \"{name}\" has dtype {dtype}; expected F32.");
                long[] shape = entry["shape"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? throw new FormatException($"weight \"{name}\" has no shape.");
                long[] offsets = entry["data_offsets"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? throw new FormatException($"weight \"{name}\" has no data_offsets.");
                // Checked arithmetic: a shape whose product overflows (to 0, say) must not pass the byte-range check.
                long? count = ModelFileLimits.ElementCount(shape);
                if (count is null || count > dataLength / 4 || offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != count * 4)
                    throw new FormatException($"weight \"{name}\" has shape [{string.Join(", ", shape)}] and byte range [{string.Join(", ", offsets)}], which do not fit the {dataLength} data bytes.");
                var floats = MemoryMarshal.Cast<byte, float>(image.AsSpan((int)(dataStart + offsets[0]), (int)(count.Value * 4))).ToArray();
                result[name] = tensor(floats, shape);
            }
        }
        catch (FormatException)
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or JsonException)
        {
            foreach (var t in result.Values) t.Dispose();
            throw new FormatException($"the weights header is malformed ({e.Message}).", e);
        }
        return result;
    }
}
