using System.Buffers.Binary;
using System.Text;

namespace Deepen.Data.Images;

/// <summary>The image formats the pipeline reads, recognised by content (never by file name), and cheap structural checks.</summary>
internal enum ImageFormat { Unknown, Jpeg, Png, Gif, Bmp, WebP }

internal static class ImageFormats
{
    /// <summary>File extensions listed as images (lower case, with the dot), as Keras's white list.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp" };

    public static bool HasImageExtension(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>The format named by the first bytes of <paramref name="data"/>.</summary>
    public static ImageFormat Sniff(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        if (data.Length >= 8 && data[..8].SequenceEqual(PngSignature)) return ImageFormat.Png;
        if (data.Length >= 6 && (data[..6].SequenceEqual("GIF87a"u8) || data[..6].SequenceEqual("GIF89a"u8))) return ImageFormat.Gif;
        if (data.Length >= 2 && data[0] == (byte)'B' && data[1] == (byte)'M') return ImageFormat.Bmp;
        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        return ImageFormat.Unknown;
    }

    static ReadOnlySpan<byte> PngSignature => new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    static ReadOnlySpan<byte> PngEnd => new byte[] { 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82 };

    /// <summary>
    /// Whether the file's end is where its format says it should be (JPEG's EOI marker, PNG's IEND chunk, GIF's
    /// trailer, the sizes in BMP and WebP headers). False means "probably truncated"; callers confirm by decoding,
    /// because some writers append bytes after the end marker.
    /// </summary>
    public static bool EndLooksComplete(ImageFormat format, ReadOnlySpan<byte> data)
    {
        switch (format)
        {
            case ImageFormat.Jpeg:
            {
                var tail = data.TrimEnd((byte)0);
                return tail.Length >= 4 && tail[^2] == 0xFF && tail[^1] == 0xD9;
            }
            case ImageFormat.Png:
                return data.Length >= 20 && data[^12..].Slice(4).SequenceEqual(PngEnd);
            case ImageFormat.Gif:
                return data.Length >= 14 && data.TrimEnd((byte)0)[^1] == 0x3B;
            case ImageFormat.Bmp:
                if (data.Length < 14) return false;
                uint declared = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(2, 4));
                uint pixels = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(10, 4));
                return pixels < data.Length && (declared == 0 || declared <= data.Length);
            case ImageFormat.WebP:
                return BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4, 4)) + 8L <= data.Length;
            default:
                return true;
        }
    }

    /// <summary>
    /// For a file whose header does not decode: true when its header structure is well formed but runs past the end
    /// of the file (truncated), false when the structure itself is broken (corrupt). JPEG marker segments and PNG
    /// chunks are walked; other formats count as truncated when their end check fails.
    /// </summary>
    public static bool HeaderRunsPastEnd(ImageFormat format, ReadOnlySpan<byte> data)
    {
        switch (format)
        {
            case ImageFormat.Jpeg:
                for (int pos = 2; ;)
                {
                    if (pos >= data.Length) return true;
                    if (data[pos] != 0xFF) return false;
                    while (pos < data.Length && data[pos] == 0xFF) pos++;         // fill bytes
                    if (pos >= data.Length) return true;
                    byte marker = data[pos++];
                    if (marker == 0x00) return false;
                    if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue;       // markers without a length
                    if (marker is 0xD8 or 0xD9) return false;
                    if (pos + 2 > data.Length) return true;
                    int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos, 2));
                    if (length < 2) return false;
                    pos += length;
                    if (marker == 0xDA) return pos > data.Length;                // start of scan: the header is complete
                }
            case ImageFormat.Png:
                for (int pos = 8; ;)
                {
                    if (pos + 8 > data.Length) return true;
                    uint length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos, 4));
                    foreach (byte b in data.Slice(pos + 4, 4))
                        if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z')) return false;
                    if (length > int.MaxValue) return false;
                    pos += 12 + (int)length;
                    if (pos > data.Length) return true;
                    if (data.Slice(pos - 8 - (int)length, 4).SequenceEqual("IDAT"u8)) return false;
                }
            default:
                return !EndLooksComplete(format, data);
        }
    }

    /// <summary>A short description of what unrecognised content looks like, for error messages.</summary>
    public static string Describe(ReadOnlySpan<byte> data)
    {
        var head = data[..Math.Min(data.Length, 16)];
        bool text = head.Length > 0 && head.ToArray().All(b => b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t');
        if (text) return $"it looks like text (\"{Encoding.ASCII.GetString(head).ReplaceLineEndings(" ")}…\")";
        return "it starts with bytes " + Convert.ToHexString(head[..Math.Min(head.Length, 8)]);
    }
}
