using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Deepen.Data.Audit;
using Deepen.Saving;

namespace Deepen.Cli;

/// <summary>
/// The outermost error handler of <c>deepen</c>: every exception becomes one <c>error:</c> line and an exit code,
/// never a stack trace (set <c>DEEPEN_DEBUG=1</c> to see it). Inputs the user gave that cannot be used — corrupt
/// files, data the loaders reject, models or images too large for memory (LibTorch's allocation failures) — map to
/// <see cref="ExitCodes.BadInput"/>; missing files to <see cref="ExitCodes.NotFound"/>.
/// </summary>
public static partial class ErrorHandling
{
    /// <summary>The options whose values are files or folders, named in messages about inputs that cannot be used.</summary>
    static readonly string[] InputOptions = ["--model", "--train", "--val", "--test", "--data"];

    /// <summary>Prints <paramref name="error"/> for people and returns its exit code.</summary>
    /// <param name="error">What the command threw.</param>
    /// <param name="parse">The parsed command line, to name the inputs when the failure is theirs (may be null).</param>
    public static int Report(Exception error, ParseResult? parse = null)
    {
        var (code, message) = Describe(error, Inputs(parse));
        Console.Error.WriteLine($"error: {message}");
        if (Environment.GetEnvironmentVariable("DEEPEN_DEBUG") is "1" or "true") Console.Error.WriteLine(error);
        return code;
    }

    /// <summary>The exit code and the message for <paramref name="error"/>.</summary>
    internal static (int Code, string Message) Describe(Exception error, string inputs) => error switch
    {
        CliException e => (e.ExitCode, e.Message),
        FileNotFoundException or DirectoryNotFoundException => (ExitCodes.NotFound, error.Message),
        ModelFileException or InvalidDataException or DataAuditException => (ExitCodes.BadInput, error.Message),
        OutOfMemoryException or InsufficientExecutionStackException => (ExitCodes.BadInput, OutOfMemory(null, inputs)),
        ExternalException e when AllocationFailure(e.Message) is { } bytes => (ExitCodes.BadInput, OutOfMemory(bytes, inputs)),
        ExternalException e when FreedValue(e.Message) => (ExitCodes.Failure,
            $"internal error (LibTorch: {FirstLine(e.Message)}): LibTorch read a value that had already been freed; your inputs are not at fault. " +
            "Run the command again (a training run continues from its last epoch with --resume); set DEEPEN_DEBUG=1 to print the stack trace for a report."),
        ExternalException e => (ExitCodes.BadInput, $"LibTorch rejected the input{inputs}: {FirstLine(e.Message)}"),
        ArgumentException e when e.Message.StartsWith("The training data yielded no batches", StringComparison.Ordinal)
            => (ExitCodes.BadInput, $"no usable training data{inputs}: no batch could be read (every file failed to load; see the warnings above and audit.json)."),
        ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or FormatException
            => (ExitCodes.Failure, error.Message),
        _ => (ExitCodes.Failure, $"internal error ({error.GetType().Name}): {error.Message} Set DEEPEN_DEBUG=1 to print the stack trace."),
    };

    static string OutOfMemory(long? bytes, string inputs) =>
        (bytes is long b ? FormattableString.Invariant($"not enough memory: LibTorch could not allocate {b:N0} bytes") : "not enough memory")
        + $" for the model or data given{inputs}. Use a smaller model (fewer units or filters), a smaller --image-size or --batch-size.";

    /// <summary>The size LibTorch's allocator failed to allocate, when <paramref name="message"/> is such a failure.</summary>
    internal static long? AllocationFailure(string message)
    {
        if (!message.Contains("can't allocate memory", StringComparison.Ordinal) && !message.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
            return null;
        var m = AllocationSize().Match(message);
        return m.Success && long.TryParse(m.Groups[1].Value, out long bytes) ? bytes : -1;
    }

    /// <summary>
    /// Whether LibTorch's <paramref name="message"/> shows it read freed memory rather than a bad input: "Unknown scalar
    /// type." is <c>c10::Scalar::type()</c> finding no valid tag, which no input can cause. TorchSharp 0.107 passes the
    /// native handle of a <c>Scalar</c> made implicitly from a number (<c>t * 0.5</c>, its optimizers' updates) to
    /// LibTorch and keeps no reference to it during the call, so a garbage collection started by another thread can
    /// finalize and free it meanwhile (dotnet/TorchSharp pull requests 1434 and 1496, open, dispose those scalars).
    /// </summary>
    internal static bool FreedValue(string message) => message.StartsWith("Unknown scalar type", StringComparison.Ordinal);

    /// <summary>LibTorch's first line, without the C++ frames it appends.</summary>
    static string FirstLine(string message)
    {
        string line = message.Split('\n', 2)[0].Trim();
        int frames = line.IndexOf("Exception raised from", StringComparison.Ordinal);
        return frames > 0 ? line[..frames].Trim() : line;
    }

    static string Inputs(ParseResult? parse)
    {
        if (parse is null) return "";
        var given = new List<string>();
        foreach (var option in parse.CommandResult.Command.Options.Where(o => InputOptions.Contains(o.Name)))
            if (parse.GetResult(option) is { Implicit: false } result && result.Tokens.Count > 0)
                given.Add($"{option.Name} {string.Join(" ", result.Tokens.Select(t => t.Value))}");
        return given.Count == 0 ? "" : $" ({string.Join(", ", given)})";
    }

    [GeneratedRegex(@"allocate (\d+) bytes")] private static partial Regex AllocationSize();
}
