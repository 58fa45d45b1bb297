using Deepen.Layers;
using Deepen.Models;
using Deepen.Utils;

namespace Deepen.Applications;

/// <summary>
/// Residual networks built with the functional API, after Keras's <c>keras.applications.resnet</c> and He et al.,
/// "Deep Residual Learning for Image Recognition" (2015): each block learns a correction <c>F(x)</c> that is
/// added to its input, <c>relu(x + F(x))</c>, so gradients reach early layers through the shortcuts.
/// </summary>
/// <example><code>
/// var inputs = new Input((28, 28, 1));
/// var x = new Conv2D(16, 3, padding: "same", useBias: false).Call(inputs);
/// x = new BatchNormalization().Call(x);
/// x = new Activation("relu").Call(x);
/// x = ResNet.ResidualBlock(x, filters: 16);
/// x = ResNet.ResidualBlock(x, filters: 32, stride: 2);          // halves the image, doubles the channels
/// x = new GlobalAveragePooling2D().Call(x);
/// var model = new Model(inputs, new Dense(10, activation: "softmax").Call(x));
///
/// var small = ResNet.Small((28, 28, 1), classes: 10);            // the same, ready-made
/// </code></example>
public static class ResNet
{
    /// <summary>
    /// A basic residual block (ResNet-18/34's, "v1"): two 3×3 convolutions with batch normalization, the first with
    /// <paramref name="stride"/>, added to a shortcut and passed through ReLU. When the stride or the number of
    /// channels changes, the shortcut is a 1×1 convolution (with batch normalization) so the shapes match;
    /// otherwise it is the input itself.
    /// </summary>
    /// <param name="x">A symbolic image tensor (height, width, channels).</param>
    /// <param name="filters">Output channels.</param>
    /// <param name="stride">The first convolution's stride (2 halves the height and width).</param>
    /// <param name="batchNorm">Whether to normalize after each convolution (convolutions then have no bias).</param>
    /// <param name="name">A prefix for the block's layer names (e.g. "stage2_block1" gives "stage2_block1_conv1"); null for default names.</param>
    /// <param name="batchNormMomentum">
    /// The batch normalizations' momentum (Keras's default 0.99). For short trainings (a few hundred steps) 0.9 lets
    /// the moving statistics used at inference catch up with the weights.
    /// </param>
    /// <returns>The block's output, of shape (ceil(h / stride), ceil(w / stride), filters).</returns>
    public static KerasTensor ResidualBlock(KerasTensor x, int filters, int stride = 1, bool batchNorm = true, string? name = null,
        double batchNormMomentum = 0.99)
    {
        ArgumentNullException.ThrowIfNull(x);
        Check.Positive(filters, nameof(filters));
        Check.Positive(stride, nameof(stride));
        if (x.Shape.Rank != 3)
            throw Check.Invalid(nameof(x), x.Shape.ToBatchString(), "an image tensor of shape (None, height, width, channels)");
        string? N(string part) => name is null ? null : $"{name}_{part}";

        KerasTensor ConvBn(KerasTensor input, int kernel, int s, string conv, string bn)
        {
            var h = new Conv2D(filters, kernel, strides: s, padding: "same", useBias: !batchNorm, kernelInitializer: "he_uniform", name: N(conv)).Call(input);
            return batchNorm ? new BatchNormalization(momentum: batchNormMomentum, name: N(bn)).Call(h) : h;
        }

        var shortcut = x;
        if (stride != 1 || x.Shape[-1] != filters) shortcut = ConvBn(x, 1, stride, "shortcut_conv", "shortcut_bn");
        var y = ConvBn(x, 3, stride, "conv1", "bn1");
        y = new Activation("relu", name: N("relu1")).Call(y);
        y = ConvBn(y, 3, 1, "conv2", "bn2");
        y = new Add(name: N("add")).Call(shortcut, y);
        return new Activation("relu", name: N("out")).Call(y);
    }

    /// <summary>
    /// A small ResNet for small images: a 3×3 stem convolution, then one stage of
    /// <paramref name="blocksPerStage"/> residual blocks per entry of <paramref name="filters"/> (each stage after
    /// the first halves the image), global average pooling and a softmax classifier.
    /// </summary>
    /// <param name="inputShape">The image shape, e.g. (28, 28, 1).</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="filters">Channels per stage; (16, 32, 64) by default.</param>
    /// <param name="blocksPerStage">Residual blocks per stage.</param>
    /// <param name="name">The model's name.</param>
    public static Model Small(Shape inputShape, int classes, int[]? filters = null, int blocksPerStage = 1, string name = "resnet_small")
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        Check.Positive(classes, nameof(classes));
        Check.Positive(blocksPerStage, nameof(blocksPerStage));
        filters ??= new[] { 16, 32, 64 };
        if (filters.Length == 0 || filters.Any(f => f <= 0)) throw Check.Invalid(nameof(filters), filters, "one or more positive channel counts");
        var inputs = new Input(inputShape, name: "image");
        KerasTensor x = new Conv2D(filters[0], 3, padding: "same", useBias: false, kernelInitializer: "he_uniform", name: "stem_conv").Call(inputs);
        x = new BatchNormalization(name: "stem_bn").Call(x);
        x = new Activation("relu", name: "stem_relu").Call(x);
        for (int stage = 0; stage < filters.Length; stage++)
            for (int block = 0; block < blocksPerStage; block++)
                x = ResidualBlock(x, filters[stage], stride: stage > 0 && block == 0 ? 2 : 1, name: $"stage{stage + 1}_block{block + 1}");
        x = new GlobalAveragePooling2D(name: "avg_pool").Call(x);
        var outputs = new Dense(classes, activation: "softmax", name: "predictions").Call(x);
        return new Model(inputs, outputs, name);
    }
}
