using System.CommandLine;

namespace Deepen.Cli;

/// <summary>Runs a command's body, printing errors for people and mapping them to exit codes.</summary>
public static class CommandRunner
{
    /// <summary>Sets <paramref name="body"/> as the command's action.</summary>
    public static void SetBody(this Command command, Func<ParseResult, int> body) =>
        command.SetAction(parse => Run(() => body(parse)));

    /// <summary>Runs <paramref name="body"/>; a <see cref="CliException"/> prints its message and returns its exit code.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e is FileNotFoundException or DirectoryNotFoundException ? ExitCodes.NotFound : ExitCodes.Failure;
        }
    }
}
