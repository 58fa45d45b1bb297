using Deepen.Layers;
using Deepen.Models;

namespace Deepen.Applications;

/// <summary>
/// The pretrained presets of <c>deepen train</c> (the CLI ships without the weights and finds them through
/// <see cref="PretrainedFiles"/>): <c>--model resnet18</c> for images (ImageNet ResNet-18, images resized
/// to 224×224 RGB) and <c>--text --model minilm</c> for texts (all-MiniLM-L6-v2 sentence embeddings). The pretrained
/// base is frozen and a new softmax (or sigmoid) head is trained on its features, as in Keras's transfer-learning
/// guide; <see cref="FineTune"/> then unfreezes the last residual blocks for a second, slower phase.
/// </summary>
public static class PretrainedPresets
{
    /// <summary>The image preset names.</summary>
    public static readonly string[] ImageNames = { "resnet18" };

    /// <summary>The text preset names.</summary>
    public static readonly string[] TextNames = { "minilm" };

    /// <summary>The learning rate of the fine-tuning phase, as a fraction of the first phase's (Keras's guide: 1e-5 after 1e-3).</summary>
    public const double FineTuneLearningRateFactor = 0.01;

    /// <summary>Whether <paramref name="model"/> names an image preset.</summary>
    public static bool IsImage(string model) => ImageNames.Contains(model.ToLowerInvariant());

    /// <summary>Whether <paramref name="model"/> names a text preset.</summary>
    public static bool IsText(string model) => TextNames.Contains(model.ToLowerInvariant());

    /// <summary>The image size and colour mode the image presets need (the CLI resizes images to it).</summary>
    public static (int Height, int Width, string ColorMode) ImageInput => (224, 224, "rgb");

    /// <summary>A frozen ImageNet ResNet-18 and a new head: [N, 224, 224, 3] (RGB 0–255) to class probabilities.</summary>
    public static Model BuildImage(string model, int classes) => BuildImageParts(model, classes).Model;

    /// <summary>
    /// <see cref="BuildImage"/>'s model with its parts: the frozen base (images to 512 features) and the head. The parts'
    /// layers are the model's own, so training the head alone on the base's features trains the model's head.
    /// </summary>
    public static Parts<Model> BuildImageParts(string model, int classes)
    {
        if (!IsImage(model)) throw new ArgumentException($"Invalid value received for argument `model`. Expected one of {string.Join(", ", ImageNames)}. Received: model={model}", nameof(model));
        var baseModel = Applications.ResNet18(weights: "imagenet", includeTop: false, inputShape: (224, 224, 3), pooling: "avg");
        baseModel.Trainable = false;
        var inputs = new Input((224, 224, 3), name: "image");
        var features = baseModel.Call(inputs);
        var head = Head(classes);
        var outputs = head.Call(features);
        return new Parts<Model>(new Model(inputs, outputs, "resnet18_transfer"), x => baseModel.Predict(x, verbose: 0), head);
    }

    /// <summary>A frozen MiniLM sentence encoder (raw strings in) and a new head.</summary>
    public static Sequential BuildText(string model, int classes, int sequenceLength = 128) => BuildTextParts(model, classes, sequenceLength).Model;

    /// <summary><see cref="BuildText"/>'s model with its parts: the frozen encoder (token ids to 384 features) and the head.</summary>
    public static Parts<Sequential> BuildTextParts(string model, int classes, int sequenceLength = 128)
    {
        if (!IsText(model)) throw new ArgumentException($"Invalid value received for argument `model`. Expected one of {string.Join(", ", TextNames)}. Received: model={model}", nameof(model));
        var encoder = Applications.MiniLM(sequenceLength);
        var sentences = encoder.Layers[1];
        sentences.Trainable = false;
        var head = Head(classes);
        encoder.Add(head);
        if (!encoder.Built) encoder.Build(sequenceLength);                          // token ids [N, sequenceLength]
        return new Parts<Sequential>(encoder, ids =>
        {
            using var _ = TorchSharp.torch.no_grad();
            return sentences.Call(ids, training: false);
        }, head);
    }

    /// <summary>A pretrained preset's model, its frozen base as a function from inputs (images, or token ids) to features, and its head.</summary>
    /// <param name="Model">The whole model.</param>
    /// <param name="Features">The frozen base: a batch of inputs to its features [N, width], in inference mode.</param>
    /// <param name="Head">The new head, a layer of <paramref name="Model"/>.</param>
    public sealed record Parts<TModel>(TModel Model, Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Features, Dense Head) where TModel : Model;

    static Dense Head(int classes) =>
        classes == 2 ? new Dense(1, activation: "sigmoid", name: "head") : new Dense(classes, activation: "softmax", name: "head");

    /// <summary>
    /// Unfreezes the last <paramref name="blocks"/> residual blocks of a <see cref="BuildImage"/> model (its
    /// convolutions; batch normalizations stay frozen, i.e. in inference mode, as Keras's fine-tuning guide keeps them).
    /// Returns the names of the unfrozen layers. Recompile with a lower learning rate before fitting again.
    /// </summary>
    public static IReadOnlyList<string> FineTune(Model model, int blocks)
    {
        ArgumentNullException.ThrowIfNull(model);
        var all = Applications.ResNet18Blocks(model).Where(b => b.OfType<Conv2D>().Any()).ToList();
        if (blocks < 0 || blocks > all.Count)
            throw new ArgumentException($"Invalid value received for argument `--fine-tune`. Expected a number of residual blocks from 0 to {all.Count}. Received: --fine-tune={blocks}", nameof(blocks));
        var names = new List<string>();
        foreach (var block in all.Skip(all.Count - blocks))
            foreach (var layer in block.Where(l => l is not BatchNormalization && l.Weights.Count > 0))
            {
                layer.Trainable = true;
                names.Add(layer.Name);
            }
        return names;
    }
}
