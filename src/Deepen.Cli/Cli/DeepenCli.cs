using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Deepen.Cli.Commands;

namespace Deepen.Cli;

/// <summary>The <c>deepen</c> command line: parses arguments, runs a command and returns its exit code.</summary>
/// <example><code>int exitCode = DeepenCli.Run(new[] { "summary", "--model", "out/model.deepen" });</code></example>
public static class DeepenCli
{
    /// <summary>The name the tool is installed and invoked as.</summary>
    public const string CommandName = "deepen";

    /// <summary>
    /// The root command with every subcommand. It is a plain <see cref="Command"/> named <c>deepen</c> with help and
    /// version options: System.CommandLine's RootCommand names itself after the executable file ("Deepen.Cli"),
    /// which is not what the user typed.
    /// </summary>
    public static Command CreateRootCommand() => new(CommandName, "deepen: train, evaluate and inspect image classifiers from class folders — Keras-style deep learning for .NET.")
    {
        new HelpOption(),
        new VersionOption(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        PredictCommand.Create(),
        AuditCommand.Create(),
        SummaryCommand.Create(),
        ExportCommand.Create(),
        ExplainCommand.Create(),
        FeaturesCommand.Create(),
        DemoCommand.Create(),
    };

    /// <summary>Runs <c>deepen</c> with <paramref name="args"/>; bad arguments return <see cref="ExitCodes.Usage"/>.</summary>
    public static int Run(string[] args)
    {
        Applications.Applications.RegisterLayers();        // saved pretrained text models (WordPiece tokenizer, sentence encoder) load in any command
        var root = CreateRootCommand();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {Describe(error)}");
            string command = ReferenceEquals(parse.CommandResult.Command, root) ? CommandName : CommandName + " " + parse.CommandResult.Command.Name;
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
