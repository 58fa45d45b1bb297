using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Deepen.Tests.Helpers;

/// <summary>
/// Small files that claim huge resources (issue 16): each is written honestly — a real PNG, a real text file, a
/// checksummed model file — so the library sees exactly what an adversarial user would hand it.
/// </summary>
internal static class Bombs
{
    /// <summary>A valid, all-black <paramref name="side"/>×<paramref name="side"/> grayscale PNG (16000² is about 250 KB).</summary>
    public static string Png(string path, int side)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        file.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 8;                                                  // bit depth 8, colour type 0 (gray)
        Chunk(file, "IHDR", ihdr);
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[side + 1];                             // filter byte 0, then black pixels
            for (int y = 0; y < side; y++) z.Write(row);
        }
        Chunk(file, "IDAT", idat.ToArray());
        Chunk(file, "IEND", Array.Empty<byte>());
        return path;
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(data);
        var sum = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, Crc32(Crc32(0xFFFFFFFF, header.AsSpan(4)), data) ^ 0xFFFFFFFF);
        s.Write(sum);
    }

    /// <summary>PNG's CRC-32 (polynomial 0xEDB88320), continued from <paramref name="crc"/>.</summary>
    static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return crc;
    }

    /// <summary>A text file of <paramref name="bytes"/> bytes of words on one line (no newline).</summary>
    public static string OneLineText(string path, long bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("lorem ipsum ", 1 << 16)));
        using var file = File.Create(path);
        for (long written = 0; written < bytes; written += block.Length)
            file.Write(block, 0, (int)Math.Min(block.Length, bytes - written));
        return path;
    }

    /// <summary>The entries of a model file.</summary>
    public static Dictionary<string, byte[]> Entries(string model)
    {
        var entries = new Dictionary<string, byte[]>();
        using var zip = ZipFile.OpenRead(model);
        foreach (var e in zip.Entries)
        {
            using var s = e.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            entries[e.FullName] = ms.ToArray();
        }
        return entries;
    }

    /// <summary>Writes <paramref name="entries"/> as a model file whose metadata.json checksums match them (an edit the checksums cannot catch).</summary>
    public static string WriteModel(string path, Dictionary<string, byte[]> entries)
    {
        var meta = JsonNode.Parse(entries["metadata.json"])!.AsObject();
        foreach (var (k, v) in entries)
            if (k != "metadata.json") meta["sha256"]![k] = Convert.ToHexString(SHA256.HashData(v)).ToLowerInvariant();
        entries["metadata.json"] = Encoding.UTF8.GetBytes(meta.ToJsonString());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (k, v) in entries)
        {
            using var s = zip.CreateEntry(k).Open();
            s.Write(v);
        }
        return path;
    }

    /// <summary>
    /// A copy of <paramref name="model"/> whose config asks every Dense layer for <paramref name="units"/> units — a
    /// few KB asking for gigabytes — with its checksums fixed.
    /// </summary>
    public static string WideDenseModel(string model, string path, int units)
    {
        var entries = Entries(model);
        var config = JsonNode.Parse(entries["config.json"])!;
        foreach (var layer in config["model"]!["config"]!["layers"]!.AsArray())
            if (layer!["class_name"]!.GetValue<string>() == "Dense") layer["config"]!["units"] = units;
        entries["config.json"] = Encoding.UTF8.GetBytes(config.ToJsonString());
        return WriteModel(path, entries);
    }

    /// <summary>
    /// A copy of <paramref name="model"/> whose ZIP directory claims <paramref name="claimed"/> uncompressed bytes for
    /// every entry (the data is the real, small one): what a zip bomb's directory says, without writing gigabytes.
    /// </summary>
    public static string ClaimingModel(string model, string path, uint claimed)
    {
        File.Copy(model, path, overwrite: true);
        var bytes = File.ReadAllBytes(path);
        for (int i = 0; i + 46 <= bytes.Length; i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) == 0x02014b50)      // central directory file header
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), claimed);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
