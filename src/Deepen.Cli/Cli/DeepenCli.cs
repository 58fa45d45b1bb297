using System.CommandLine;
using System.CommandLine.Parsing;
using Deepen.Cli.Commands;

namespace Deepen.Cli;

/// <summary>The <c>deepen</c> command line: parses arguments, runs a command and returns its exit code.</summary>
/// <example><code>int exitCode = DeepenCli.Run(new[] { "summary", "--model", "out/model.deepen" });</code></example>
public static class DeepenCli
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand CreateRootCommand() => new("deepen: train, evaluate and inspect image classifiers from class folders — Keras-style deep learning for .NET.")
    {
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        PredictCommand.Create(),
        AuditCommand.Create(),
        SummaryCommand.Create(),
        ExplainCommand.Create(),
        FeaturesCommand.Create(),
        DemoCommand.Create(),
    };

    /// <summary>Runs <c>deepen</c> with <paramref name="args"/>; bad arguments return <see cref="ExitCodes.Usage"/>.</summary>
    public static int Run(string[] args)
    {
        var parse = CreateRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {Describe(error)}");
            string command = parse.CommandResult.Command is RootCommand ? "deepen" : "deepen " + parse.CommandResult.Command.Name;
            Console.Error.WriteLine($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }
        try { EnvironmentLimits.Apply(); }
        catch (CliException e) { return ErrorHandling.Report(e); }
        return parse.Invoke();
    }

    /// <summary>A parse error's message; a missing argument is named ("Required argument missing" alone does not say which).</summary>
    static string Describe(ParseError error) =>
        error.SymbolResult is ArgumentResult { Argument: var argument } result && result.Tokens.Count < argument.Arity.MinimumNumberOfValues
            ? $"{error.Message} Expected {argument.Name}: {argument.Description}"
            : error.Message;
}
