namespace Deepen.Onnx;

/// <summary>How <c>Model.FromOnnx</c> turns an ONNX graph into a Deepen model.</summary>
/// <example><code>
/// var options = new OnnxImportOptions { InputShapes = { ["input_ids"] = [128], ["attention_mask"] = [128], ["token_type_ids"] = [128] } };
/// var encoder = Model.FromOnnx("model.onnx", options);
/// </code></example>
public sealed class OnnxImportOptions
{
    /// <summary>
    /// Input shapes without the batch dimension, in the file's (ONNX) layout, for inputs whose dimensions the file
    /// leaves open (e.g. a sequence length) or to override fixed ones. The first dimension of every input is the batch.
    /// </summary>
    public Dictionary<string, int[]> InputShapes { get; } = new();

    /// <summary>
    /// Whether 4-D float inputs (N, C, H, W) become Keras-layout (N, H, W, C) inputs, as every Deepen image model
    /// takes (default true). Image tensors stay channels-last through the model, so 4-D outputs are (N, H, W, C) too.
    /// </summary>
    public bool ChannelsLast { get; set; } = true;

    /// <summary>The model's name (default: the graph's name, else "onnx_model").</summary>
    public string? Name { get; set; }
}
