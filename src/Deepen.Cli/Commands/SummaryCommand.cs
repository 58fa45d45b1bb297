using System.CommandLine;

namespace Deepen.Cli.Commands;

/// <summary><c>deepen summary</c>: prints the Keras-style table of a saved model.</summary>
public static class SummaryCommand
{
    /// <summary>Builds the <c>deepen summary</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by deepen train or Model.Save.", Required = true };
        var command = new Command("summary", "Print a saved model's layers, output shapes and parameter counts.") { model };
        command.SetBody(p =>
        {
            using var m = CommonChecks.LoadModel(p.GetValue(model)!, requireFiniteWeights: false);
            m.Summary();
            if (m.ClassNames is { } names) Console.WriteLine($" Classes: {string.Join(", ", names)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
