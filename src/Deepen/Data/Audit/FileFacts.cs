using System.Collections.Concurrent;
using System.Security.Cryptography;
using Deepen.Data.Images;
using SkiaSharp;

namespace Deepen.Data.Audit;

/// <summary>
/// What one file is, found quickly: its content hash, format, header size and channels, and a per-file problem
/// (empty, unreadable, not an image, truncated, corrupt). Results are cached by path, length and modification time,
/// so the training and validation iterators over one folder inspect it once.
/// </summary>
internal sealed record FileFacts(string Path, long Length, string? Hash, int Width, int Height, int Channels,
    AnomalyKind? Problem, string? Reason)
{
    static readonly ConcurrentDictionary<string, (long Length, DateTime Modified, bool Full, FileFacts Facts)> Cache = new();

    /// <summary>Inspects <paramref name="path"/>; <paramref name="fullDecode"/> also decodes all pixels.</summary>
    public static FileFacts Of(string path, bool fullDecode)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists) return Problematic(path, 0, AnomalyKind.Missing, "the file does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Problematic(path, 0, AnomalyKind.Unreadable, "the file could not be read: " + e.Message);
        }
        if (Cache.TryGetValue(path, out var hit) && hit.Length == info.Length && hit.Modified == info.LastWriteTimeUtc && (hit.Full || !fullDecode))
            return hit.Facts;
        var facts = Inspect(path, info.Length, fullDecode);
        Cache[path] = (info.Length, info.LastWriteTimeUtc, fullDecode, facts);
        return facts;
    }

    static FileFacts Problematic(string path, long length, AnomalyKind kind, string reason, string? hash = null) =>
        new(path, length, hash, 0, 0, 0, kind, reason);

    static FileFacts Inspect(string path, long length, bool fullDecode)
    {
        if (length == 0) return Problematic(path, 0, AnomalyKind.ZeroByte, "the file is empty (0 bytes)");
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Problematic(path, length, AnomalyKind.Unreadable, "the file could not be read: " + e.Message);
        }
        string hash = Convert.ToHexString(SHA256.HashData(data));
        try
        {
            using var codec = ImageDecoder.OpenCodec(data);
            var format = ImageFormats.Sniff(data);
            bool complete = ImageFormats.EndLooksComplete(format, data);
            if (!complete || fullDecode)
            {
                var result = ImageDecoder.DecodeAll(codec);
                if (result != SKCodecResult.Success)
                {
                    var failure = ImageDecoder.Failure(result, data);
                    string reason = failure.Kind == AnomalyKind.Truncated && !complete
                        ? $"the file ends after {data.Length} bytes without the {format.ToString().ToUpperInvariant()} end marker; decoding stopped with {result}"
                        : failure.Message;
                    return Problematic(path, length, failure.Kind, reason, hash);
                }
            }
            var info = codec.Info;
            return new FileFacts(path, length, hash, info.Width, info.Height, ImageDecoder.Channels(info), null, null);
        }
        catch (ImageDecodeException e)
        {
            return Problematic(path, length, e.Kind, e.Message, hash);
        }
    }
}
