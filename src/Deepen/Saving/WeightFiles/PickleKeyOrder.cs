using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Deepen.Saving.WeightFiles;

/// <summary>
/// The order of a <c>torch.save(state_dict)</c> file's keys. TorchSharp.PyBridge returns the state_dict as a
/// Hashtable, which loses it; the pickle (<c>data.pkl</c>) holds the keys in the state_dict's order, which is the
/// order the modules were registered in — what loading in order needs. This walks the pickle's opcodes (Python's
/// pickletools table, protocols 0–5) and lists its strings in order; nothing is executed or constructed.
/// </summary>
internal static class PickleKeyOrder
{
    /// <summary><paramref name="keys"/> in the order the pickle of the zip file at <paramref name="path"/> names them.</summary>
    public static List<string> Order(string path, IEnumerable<string> keys)
    {
        var remaining = new HashSet<string>(keys);
        var ordered = new List<string>();
        using (var zip = ZipFile.OpenRead(path))
        {
            var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal));
            if (entry is not null)
            {
                using var stream = entry.Open();
                using var ms = new MemoryStream();
                stream.CopyTo(ms);
                try
                {
                    foreach (var s in Strings(ms.ToArray()))
                        if (remaining.Remove(s)) ordered.Add(s);
                }
                catch (ArgumentException) { }           // a truncated pickle: the keys found so far keep their order
                catch (IndexOutOfRangeException) { }
            }
        }
        ordered.AddRange(remaining.OrderBy(k => k, StringComparer.Ordinal));
        return ordered;
    }

    /// <summary>The unicode strings of a pickle, in order; stops early at an opcode it does not know.</summary>
    internal static IEnumerable<string> Strings(byte[] p)
    {
        int i = 0;
        while (i < p.Length)
        {
            byte op = p[i++];
            switch (op)
            {
                case (byte)'.': yield break;                                                       // STOP
                case (byte)'X': { int n = (int)BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(i)); i += 4; yield return Encoding.UTF8.GetString(p, i, n); i += n; break; }
                case 0x8c: { int n = p[i++]; yield return Encoding.UTF8.GetString(p, i, n); i += n; break; }   // SHORT_BINUNICODE
                case 0x8d: { int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan(i)); i += 8; yield return Encoding.UTF8.GetString(p, i, n); i += n; break; }
                case (byte)'V': { int end = Array.IndexOf(p, (byte)'\n', i); if (end < 0) yield break; yield return Encoding.UTF8.GetString(p, i, end - i); i = end + 1; break; }
                // Arguments ending at a newline (one line; GLOBAL and INST two).
                case (byte)'F' or (byte)'I' or (byte)'L' or (byte)'S' or (byte)'P' or (byte)'g' or (byte)'p':
                    { int end = Array.IndexOf(p, (byte)'\n', i); if (end < 0) yield break; i = end + 1; break; }
                case (byte)'c' or (byte)'i':
                    {
                        int first = Array.IndexOf(p, (byte)'\n', i);
                        int end = first < 0 ? -1 : Array.IndexOf(p, (byte)'\n', first + 1);
                        if (end < 0) yield break;
                        i = end + 1;
                        break;
                    }
                // Fixed-size arguments.
                case (byte)'K' or (byte)'h' or (byte)'q' or 0x80 or 0x82: i += 1; break;
                case (byte)'M' or 0x83: i += 2; break;
                case (byte)'J' or (byte)'j' or (byte)'r' or 0x84: i += 4; break;
                case (byte)'G' or 0x95: i += 8; break;
                // Length-prefixed bytes.
                case (byte)'U' or (byte)'C' or 0x8a: i += 1 + p[i]; break;
                case (byte)'T' or (byte)'B' or 0x8b: i += 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(i)); break;
                case 0x8e or 0x96: i += 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan(i)); break;
                // No argument.
                case (byte)'(' or (byte)'0' or (byte)'1' or (byte)'2' or (byte)'N' or (byte)'Q' or (byte)'R' or (byte)'a' or (byte)'b'
                    or (byte)'d' or (byte)'}' or (byte)'e' or (byte)'l' or (byte)']' or (byte)'o' or (byte)'s' or (byte)'t' or (byte)')'
                    or (byte)'u' or 0x81 or 0x85 or 0x86 or 0x87 or 0x88 or 0x89 or 0x8f or 0x90 or 0x91 or 0x92 or 0x93 or 0x94
                    or 0x97 or 0x98:
                    break;
                default: yield break;
            }
        }
    }
}
