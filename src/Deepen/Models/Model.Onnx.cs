using Deepen.Onnx;

namespace Deepen.Models;

public partial class Model
{
    /// <summary>
    /// Imports an ONNX model as a trainable functional Deepen model: ops that match a Deepen layer become that layer
    /// (Conv → Conv2D with explicit, possibly asymmetric <see cref="Layers.ZeroPadding2D"/>, BatchNormalization,
    /// Relu, MaxPool, AveragePool, Add, Gemm/MatMul → Dense, …); the rest of the graph runs as
    /// <see cref="Onnx.Ops.OnnxOp"/> layers on LibTorch. Every float initializer becomes a weight that <c>Fit</c>
    /// trains (scalar constants stay constants). 4-D image inputs become channels-last (N, H, W, C), as every Deepen
    /// image model takes; the first dimension of every input is the batch, whatever size the file fixes.
    /// Hostile or unsupported files raise <see cref="OnnxFormatException"/> before anything large is allocated.
    /// </summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="options">Input shapes for open dimensions, layout and name.</param>
    /// <example><code>
    /// var model = Model.FromOnnx("resnet18.onnx");        // input (224, 224, 3), channels-last
    /// model.Compile("adam", "mse");
    /// model.Save("resnet18.deepen");
    /// </code></example>
    public static Model FromOnnx(string path, OnnxImportOptions? options = null) => OnnxImporter.Import(new[] { path }, options);

    /// <summary>
    /// Imports a pipeline of ONNX files as one model: output i of each file feeds input i of the next (e.g. a
    /// preprocessing model followed by the network it prepares images for).
    /// </summary>
    /// <param name="pipeline">The .onnx files, first to last.</param>
    /// <param name="options">Input shapes (of the first file's inputs), layout and name.</param>
    /// <example><code>
    /// var resnet = Model.FromOnnx(["ResNetPreprocess.onnx", "ResNet18.onnx"]);   // RGB 0–255, (224, 224, 3)
    /// </code></example>
    public static Model FromOnnx(IReadOnlyList<string> pipeline, OnnxImportOptions? options = null) => OnnxImporter.Import(pipeline, options);

    /// <summary>
    /// Writes the model as an ONNX file that ONNX Runtime and other frameworks run: a dynamic batch dimension, the
    /// model's Keras-layout inputs (NHWC for images) and its outputs as <c>Predict</c> returns them (probabilities for
    /// classifiers). Inference behaviour is exported: Dropout and the Random* layers are identities, BatchNormalization
    /// uses its moving statistics. A layer without an ONNX form raises <see cref="NotSupportedException"/> naming it.
    /// </summary>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="opset">The ONNX opset (17 by default; 13 to 21 are accepted).</param>
    /// <example><code>model.ExportOnnx("model.onnx");</code></example>
    public void ExportOnnx(string path, int opset = OnnxExporter.DefaultOpset) => OnnxExporter.Export(this, path, opset);
}
