#nullable enable
// Build-time helper compiled by MSBuild's RoslynCodeTaskFactory (see Deepen.targets). It is not part of Deepen.dll.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Rewrites the GLIBCXX_3.4.32 version-need of libLibTorchSharp.so in a build output folder when the system's
/// libstdc++ does not provide that version. Idempotent; writes through a temporary file and an atomic rename.
/// </summary>
public class DeepenPatchTorchSharpShim : Task
{
    const string Needed = "GLIBCXX_3.4.32";
    const uint ShtGnuVerneed = 0x6ffffffe;

    [Required] public string Directory { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        var candidates = new[] { Path.Combine(Directory, "libLibTorchSharp.so") }
            .Concat(System.IO.Directory.Exists(Path.Combine(Directory, "runtimes"))
                ? System.IO.Directory.GetFiles(Path.Combine(Directory, "runtimes"), "libLibTorchSharp.so", SearchOption.AllDirectories)
                : Array.Empty<string>())
            .Where(File.Exists).ToArray();
        if (candidates.Length == 0) return true;
        if (SystemHasVersion(Needed)) return true;
        foreach (var path in candidates)
        {
            try
            {
                byte[] image = File.ReadAllBytes(path);
                string? replacement = Patch(image);
                if (replacement is null) continue;
                string temp = path + ".deepen-tmp";
                File.WriteAllBytes(temp, image);
                File.Replace(temp, path, null); // atomic rename over the output copy
                Log.LogMessage(MessageImportance.High,
                    $"Deepen: {path}: the system libstdc++ lacks {Needed}; rewrote that version-need to {replacement} so TorchSharp loads.");
            }
            catch (Exception e)
            {
                Log.LogWarning($"Deepen: could not patch {path} ({e.Message}); TorchSharp may fail to load on this system.");
            }
        }
        return !Log.HasLoggedErrors;
    }

    static bool SystemHasVersion(string version)
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                          "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" };
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var dir in dirs)
        {
            string lib = Path.Combine(dir, "libstdc++.so.6");
            if (!File.Exists(lib)) continue;
            byte[] bytes = File.ReadAllBytes(lib);
            return IndexOf(bytes, needle) >= 0;
        }
        return false; // no libstdc++ found where expected: patching is harmless, so do it
    }

    /// <summary>Patches the image in memory; returns the replacement version name, or null when nothing needed patching.</summary>
    public static string? Patch(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F') return null;
        if (elf[4] != 2 || elf[5] != 1) return null; // 64-bit little-endian only
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strSh = shoff + (long)link * shentsize;
            long strOff = BitConverter.ToInt64(elf, (int)strSh + 0x18);
            long strSize = BitConverter.ToInt64(elf, (int)strSh + 0x20);
            string? result = null;
            long vn = offset;
            for (int n = 0; n < count; n++)
            {
                int cnt = BitConverter.ToUInt16(elf, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(elf, (int)vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    uint nameOff = BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadString(elf, strOff + nameOff) == Needed)
                    {
                        var (replacement, replacementOff) = FindReplacement(elf, strOff, strSize);
                        if (replacement is null) return null;
                        BitConverter.GetBytes(ElfHash(replacement)).CopyTo(elf, (int)aux);
                        BitConverter.GetBytes((uint)replacementOff).CopyTo(elf, (int)aux + 8);
                        result = replacement;
                    }
                    uint next = BitConverter.ToUInt32(elf, (int)aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = BitConverter.ToUInt32(elf, (int)vn + 12);
                if (vnNext == 0) break;
                vn += vnNext;
            }
            return result;
        }
        return null;
    }

    static (string?, long) FindReplacement(byte[] elf, long strOff, long strSize)
    {
        // Prefer GLIBCXX_3.4.21 (present since GCC 5); otherwise the oldest GLIBCXX_3.4.x string in .dynstr.
        string? best = null; long bestOff = -1; int bestMinor = int.MaxValue;
        long p = strOff, end = strOff + strSize;
        while (p < end)
        {
            string s = ReadString(elf, p);
            if (s.StartsWith("GLIBCXX_3.4.") && int.TryParse(s.Substring(12), out int minor) && minor < 30)
            {
                int score = minor == 21 ? -1 : minor;
                if (score < bestMinor) { best = s; bestOff = p - strOff; bestMinor = score; }
            }
            p += Encoding.ASCII.GetByteCount(s) + 1;
        }
        return (best, bestOff);
    }

    static string ReadString(byte[] elf, long at)
    {
        int end = (int)at;
        while (end < elf.Length && elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)at, end - (int)at);
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }
}
