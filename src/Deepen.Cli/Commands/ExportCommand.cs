using System.CommandLine;

namespace Deepen.Cli.Commands;

/// <summary><c>deepen export</c>: writes a saved model as ONNX for ONNX Runtime and other frameworks.</summary>
public static class ExportCommand
{
    /// <summary>Builds the <c>deepen export</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file (.deepen, or .onnx to re-export an imported model).", Required = true };
        var output = new Option<string>("--out") { Description = "The .onnx file to write.", Required = true };
        var opset = new Option<int>("--opset") { Description = "The ONNX opset (13 to 21).", DefaultValueFactory = _ => 17 };
        var command = new Command("export", "Write a model as ONNX: dynamic batch, Keras-layout (NHWC) input, probabilities out.") { model, output, opset };
        command.SetBody(p =>
        {
            int version = p.GetValue(opset);
            if (version is < 13 or > 21) throw new CliException(ExitCodes.Usage, $"Invalid value for --opset: {version}. Expected an ONNX opset from 13 to 21.");
            using var m = CommonChecks.LoadModel(p.GetValue(model)!);
            string path = p.GetValue(output)!;
            try { m.ExportOnnx(path, version); }
            catch (NotSupportedException e) { throw new CliException(ExitCodes.BadInput, e.Message, e); }
            Console.WriteLine($"Wrote {Path.GetFullPath(path)} (opset {version}, {m.CountParams():N0} parameters).");
            if (m.Layers.FirstOrDefault() is Layers.TextVectorization text)
            {
                string input = text.OutputMode == "int"
                    ? $"int64 token ids [batch, {m.InputShape![0]}] (0 = padding, at the end)"
                    : $"its {text.OutputMode} vectors, float [batch, {m.InputShape![0]}]";
                Console.WriteLine($"Text model: the ONNX graph starts after TextVectorization and takes {input}. Tokenize as the model did with " +
                    "the vocabulary and settings in the file's metadata_props (keys deepen.text.*: vocabulary, standardize, split, ngrams, " +
                    "output_mode, output_sequence_length, idf_weights, config).");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
