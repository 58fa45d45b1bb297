using Deepen.Layers;
using Deepen.Models;

namespace Deepen.Applications;

/// <summary>
/// The pretrained presets of <c>deepen train</c> (the CLI ships without the weights and finds them through
/// <see cref="PretrainedFiles"/>): <c>--model resnet18</c> for images (ImageNet ResNet-18, images resized
/// to 224×224 RGB) and <c>--text --model minilm</c> for texts (all-MiniLM-L6-v2 sentence embeddings). The pretrained
/// base is frozen and a new softmax (or sigmoid) head is trained on its features, as in Keras's transfer-learning
/// guide; <see cref="FineTune"/> then unfreezes the last residual blocks for a second, slower phase. Given the number of
/// training samples, the head's kernel gets an L2 penalty sized by it (<see cref="HeadL2"/>): a new head on a few
/// hundred 512-wide features otherwise fits its training samples exactly and generalizes worse.
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
    /// <param name="model">The preset's name ("resnet18").</param>
    /// <param name="classes">The number of classes (2: one sigmoid unit).</param>
    /// <param name="trainingSamples">When given, the head's kernel gets the L2 penalty <see cref="HeadL2"/>(trainingSamples).</param>
    public static Model BuildImage(string model, int classes, int? trainingSamples = null) => BuildImageParts(model, classes, trainingSamples).Model;

    /// <summary>
    /// <see cref="BuildImage"/>'s model with its parts: the frozen base (images to 512 features) and the head. The parts'
    /// layers are the model's own, so training the head alone on the base's features trains the model's head.
    /// </summary>
    public static Parts<Model> BuildImageParts(string model, int classes, int? trainingSamples = null)
    {
        if (!IsImage(model)) throw new ArgumentException($"Invalid value received for argument `model`. Expected one of {string.Join(", ", ImageNames)}. Received: model={model}", nameof(model));
        var baseModel = Applications.ResNet18(weights: "imagenet", includeTop: false, inputShape: (224, 224, 3), pooling: "avg");
        baseModel.Trainable = false;
        var inputs = new Input((224, 224, 3), name: "image");
        var features = baseModel.Call(inputs);
        var head = Head(classes, trainingSamples);
        var outputs = head.Call(features);
        return new Parts<Model>(new Model(inputs, outputs, "resnet18_transfer"), x => baseModel.Predict(x, verbose: 0), head);
    }

    /// <summary>A frozen MiniLM sentence encoder (raw strings in) and a new head.</summary>
    /// <param name="model">The preset's name ("minilm").</param>
    /// <param name="classes">The number of classes (2: one sigmoid unit).</param>
    /// <param name="sequenceLength">Tokens per text ([CLS] and [SEP] included); longer texts are truncated.</param>
    /// <param name="trainingSamples">When given, the head's kernel gets the L2 penalty <see cref="HeadL2"/>(trainingSamples).</param>
    public static Sequential BuildText(string model, int classes, int sequenceLength = 128, int? trainingSamples = null) =>
        BuildTextParts(model, classes, sequenceLength, trainingSamples).Model;

    /// <summary><see cref="BuildText"/>'s model with its parts: the frozen encoder (token ids to 384 features) and the head.</summary>
    public static Parts<Sequential> BuildTextParts(string model, int classes, int sequenceLength = 128, int? trainingSamples = null)
    {
        if (!IsText(model)) throw new ArgumentException($"Invalid value received for argument `model`. Expected one of {string.Join(", ", TextNames)}. Received: model={model}", nameof(model));
        var encoder = Applications.MiniLM(sequenceLength);
        var sentences = encoder.Layers[1];
        sentences.Trainable = false;
        var head = Head(classes, trainingSamples);
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

    /// <summary>
    /// The L2 factor of the head's kernel for <paramref name="trainingSamples"/> samples: 1 / (2 · samples). With Keras's
    /// mean loss, loss + factor · ‖W‖² is scikit-learn's <c>LogisticRegression</c> objective (C · Σ loss + ½ ‖W‖²) with
    /// its default C = 1, divided by C · samples: the logistic-regression head that issue 13's reference figures (74.0% on
    /// Fashion-MNIST at 10 images per class, 88.2% on SpamAssassin at 16 mails per class) were measured with.
    /// </summary>
    /// <example><code>var l2 = PretrainedPresets.HeadL2(100);   // 0.005 for 100 training images</code></example>
    public static double HeadL2(int trainingSamples)
    {
        if (trainingSamples < 1)
            throw new ArgumentException($"Invalid value received for argument `trainingSamples`. Expected a positive integer. Received: trainingSamples={trainingSamples}", nameof(trainingSamples));
        return 1.0 / (2.0 * trainingSamples);
    }

    static Dense Head(int classes, int? trainingSamples)
    {
        var l2 = trainingSamples is int n ? new Regularizers.L2(HeadL2(n)) : null;
        return classes == 2 ? new Dense(1, activation: "sigmoid", kernelRegularizer: l2, name: "head")
            : new Dense(classes, activation: "softmax", kernelRegularizer: l2, name: "head");
    }

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
