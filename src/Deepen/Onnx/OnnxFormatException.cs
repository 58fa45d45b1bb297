namespace Deepen.Onnx;

/// <summary>
/// An ONNX file that cannot be imported: not ONNX, truncated, hostile (absurd dimensions, cycles, external data
/// outside the model's folder) or using an op Deepen does not support. The message names the file and what is wrong.
/// </summary>
/// <example><code>
/// try { var model = Model.FromOnnx("model.onnx"); }
/// catch (OnnxFormatException e) { Console.Error.WriteLine(e.Message); }
/// </code></example>
public sealed class OnnxFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public OnnxFormatException(string path, string message, Exception? inner = null)
        : base($"Cannot import ONNX file \"{path}\": {message}", inner) => FilePath = path;

    /// <summary>The file that was read.</summary>
    public string FilePath { get; }
}
