using System.Text.Json;
using Deepen.Cli;
using Deepen.Tests.Data;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Cli;

/// <summary>What one in-process <c>deepen</c> run returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <summary>Everything printed, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";

    /// <summary>Stdout parsed as JSON (fails the test with the output when it is not JSON).</summary>
    public JsonElement Json()
    {
        try { return JsonDocument.Parse(Out).RootElement.Clone(); }
        catch (JsonException e) { throw new Xunit.Sdk.XunitException($"stdout is not JSON ({e.Message}):\n{this}"); }
    }
}

/// <summary>Runs <c>deepen</c> in-process through <see cref="DeepenCli.Run"/>, capturing standard output and error.</summary>
internal static class DeepenRunner
{
    public static CliResult Run(params string[] args)
    {
        TextWriter previousOut = Console.Out, previousErr = Console.Error;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(stdout));
        Console.SetError(TextWriter.Synchronized(stderr));
        int code;
        try { code = DeepenCli.Run(args); }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousErr);
        }
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts the exit code, showing the whole output when it differs.</summary>
    public static CliResult Expect(int exitCode, params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode} for `deepen {string.Join(' ', args)}`; got {result}");
        return result;
    }

    /// <summary>
    /// Asserts a failing run: its exit code, nothing printed to stdout beyond what <paramref name="allowStdout"/>
    /// permits, and an error on stderr containing each of <paramref name="mentions"/> (the option and the bad value).
    /// </summary>
    public static CliResult ExpectError(int exitCode, string[] args, params string[] mentions)
    {
        var result = Expect(exitCode, args);
        Assert.Contains("error", result.Err, StringComparison.OrdinalIgnoreCase);
        foreach (var m in mentions) Assert.True(result.Err.Contains(m, StringComparison.Ordinal), $"stderr should mention \"{m}\"; got {result}");
        return result;
    }
}

/// <summary>
/// Tiny image class folders where the class is obvious: 16×16 PNGs of dark noise with a bright square of the class's
/// colour in the class's corner (class 0 top-left red, 1 top-right green, 2 bottom-left blue, 3 bottom-right yellow).
/// Every image is unique (the noise differs), so the audit marks none of them.
/// </summary>
internal static class ClassImages
{
    public const int Size = 16;
    static readonly (byte R, byte G, byte B)[] Colours = { (255, 60, 60), (60, 255, 60), (60, 60, 255), (255, 255, 60) };

    /// <summary>Writes <paramref name="perClass"/> images into <c>root/classes[c]/</c> for each class c (its corner and colour).</summary>
    public static void Write(string root, IReadOnlyList<string> classes, int perClass, int seed)
    {
        for (int c = 0; c < classes.Count; c++)
            for (int i = 0; i < perClass; i++)
                Image(Path.Combine(root, classes[c], $"{classes[c]}_{i:D2}.png"), c, seed * 1000 + c * 100 + i);
    }

    /// <summary>One image of class index <paramref name="corner"/>.</summary>
    public static string Image(string path, int corner, int seed)
    {
        var r = new Random(seed);
        var noise = new byte[Size, Size];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++) noise[y, x] = (byte)r.Next(0, 50);
        int side = 6, jx = r.Next(0, 3), jy = r.Next(0, 3);
        int left = corner is 0 or 2 ? jx : Size - side - jx, top = corner is 0 or 1 ? jy : Size - side - jy;
        var colour = Colours[corner];
        return TestImages.Png(path, Size, Size, (x, y) =>
            x >= left && x < left + side && y >= top && y < top + side ? colour : (noise[y, x], noise[y, x], noise[y, x]));
    }

    /// <summary>The files of a class folder in the pipeline's order: classes in ordinal order, files sorted ordinally.</summary>
    public static string[] EvaluationOrder(string root) =>
        Directory.GetDirectories(root).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal)
            .SelectMany(c => Directory.GetFiles(Path.Combine(root, c!)).Select(Path.GetFileName).Where(f => !f!.StartsWith('.'))
                .Order(StringComparer.Ordinal).Select(f => Path.Combine(c!, f!)))
            .ToArray();

    /// <summary>
    /// Scrambles the compressed pixel data of a PNG written by <see cref="Image"/> while keeping its header, so a
    /// header-only audit passes it and decoding fails.
    /// </summary>
    public static string ScramblePixels(string png)
    {
        var bytes = File.ReadAllBytes(png);
        for (int i = 60; i < bytes.Length - 20; i++) bytes[i] ^= 0x33;
        File.WriteAllBytes(png, bytes);
        return png;
    }

    /// <summary>Writes a zero-byte .png and a .jpg of random bytes after a JPEG signature into <paramref name="folder"/>.</summary>
    public static (string Empty, string Corrupt) WriteBrokenFiles(string folder)
    {
        Directory.CreateDirectory(folder);
        string empty = Path.Combine(folder, "empty.png"), corrupt = Path.Combine(folder, "corrupt.jpg");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        var bytes = new byte[300];
        new Random(5).NextBytes(bytes);
        bytes[0] = 0xFF; bytes[1] = 0xD8; bytes[2] = 0xFF; bytes[3] = 0x00;
        File.WriteAllBytes(corrupt, bytes);
        return (empty, corrupt);
    }
}

/// <summary>File-system helpers for the CLI tests.</summary>
internal static class CliFiles
{
    /// <summary>Copies a folder tree.</summary>
    public static string CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        return to;
    }

    /// <summary>Runs <paramref name="action"/> with <paramref name="directory"/> as the current directory (restored afterwards).</summary>
    public static T InDirectory<T>(string directory, Func<T> action)
    {
        string previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(directory);
        try { return action(); }
        finally { Directory.SetCurrentDirectory(previous); }
    }

    /// <summary>Every file under <paramref name="root"/>, relative and sorted.</summary>
    public static string[] Tree(string root) =>
        Directory.Exists(root)
            ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();
}
