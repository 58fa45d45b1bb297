using System.CommandLine;

namespace Deepen.Cli;

/// <summary>Runs a command's body, printing errors for people and mapping them to exit codes.</summary>
public static class CommandRunner
{
    /// <summary>Sets <paramref name="body"/> as the command's action.</summary>
    public static void SetBody(this Command command, Func<ParseResult, int> body) =>
        command.SetAction(parse => Run(() => body(parse), parse));

    /// <summary>
    /// Runs <paramref name="body"/>; any exception prints one error line (see <see cref="ErrorHandling"/>) and returns
    /// its exit code.
    /// </summary>
    public static int Run(Func<int> body, ParseResult? parse = null)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return ErrorHandling.Report(e, parse);
        }
    }
}
