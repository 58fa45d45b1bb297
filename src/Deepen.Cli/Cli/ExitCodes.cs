namespace Deepen.Cli;

/// <summary>The exit codes of <c>deepen</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>Training or evaluation failed at run time.</summary>
    public const int Failure = 1;
    /// <summary>Bad arguments: unknown option, invalid value, missing required option.</summary>
    public const int Usage = 2;
    /// <summary>An input (folder, file, model) does not exist.</summary>
    public const int NotFound = 3;
    /// <summary>An input exists but cannot be read (corrupt model file, no images, strict audit failed).</summary>
    public const int BadInput = 4;
    /// <summary>Training diverged: the loss became NaN or infinite; the last finite weights were saved.</summary>
    public const int Diverged = 5;
}

/// <summary>An error meant for the person at the terminal, with the exit code it maps to.</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="exitCode">The process exit code it maps to, one of <see cref="ExitCodes"/>.</param>
    /// <param name="message">What went wrong and what to do, printed to standard error.</param>
    /// <param name="inner">The exception that caused it, if any.</param>
    public CliException(int exitCode, string message, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;
    /// <summary>The process exit code this error maps to, one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }
}
