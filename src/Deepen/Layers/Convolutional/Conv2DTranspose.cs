using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A transposed 2-D convolution ("deconvolution") over channels-last images, as Keras's <c>Conv2DTranspose</c>
/// (keras/src/layers/convolutional/conv2d_transpose.py). Output size per axis, with k the dilated kernel size
/// (Keras's compute_conv_transpose_output_shape): "valid": (i − 1)·s + max(k, s) (or (i − 1)·s + k + outputPadding);
/// "same": i·s (or (i − 1)·s + k mod 2 + outputPadding). The kernel is Keras's (kh, kw, filters, in) in
/// <c>GetWeights</c>/<c>SetWeights</c>. Computed as Keras's TensorFlow/JAX backends do: LibTorch's
/// <c>conv_transpose2d</c> gives the full (i − 1)·s + k output, which is cut (or zero-extended) to Keras's padding, so
/// every padding/outputPadding combination matches Keras (LibTorch's own padding arguments cannot express all of them).
/// </summary>
/// <example><code>new Conv2DTranspose(32, 3, strides: 2, padding: "same", activation: "relu")   // 8×8 → 16×16</code></example>
public sealed class Conv2DTranspose : BaseConv
{
    (int Before, int After) _rows, _cols;

    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Window size: an int or (rows, cols).</param>
    /// <param name="strides">Upsampling step: an int or (rows, cols); default 1.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="outputPadding">Extra rows/columns at the end (each less than the stride), or null for Keras's inferred size.</param>
    /// <param name="dilationRate">Dilation: an int or (rows, cols); default 1 (not with strides > 1, as in Keras).</param>
    /// <param name="activation">An activation name; null = linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Kernel initializer name.</param>
    /// <param name="biasInitializer">Bias initializer name.</param>
    /// <param name="kernelRegularizer">The kernel's penalty in the loss, or null.</param>
    /// <param name="biasRegularizer">The bias's penalty in the loss, or null.</param>
    /// <param name="activityRegularizer">The output's penalty in the loss (divided by the batch size), or null.</param>
    /// <param name="kernelConstraint">The kernel's projection after each optimizer step, or null.</param>
    /// <param name="biasConstraint">The bias's projection after each optimizer step, or null.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(rows, cols, channels), for the first layer of a model.</param>
    public Conv2DTranspose(int filters, Size2 kernelSize, Size2? strides = null, string padding = "valid", Size2? outputPadding = null,
        Size2? dilationRate = null, string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform",
        string biasInitializer = "zeros", Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        string? name = null, Shape? inputShape = null)
        : base(2, filters, Layers.Padding.Resolve(padding), activation, useBias, kernelInitializer, biasInitializer, name, inputShape, 1,
               (kernelRegularizer, biasRegularizer, activityRegularizer), (kernelConstraint, biasConstraint))
    {
        KernelSize = (kernelSize ?? throw new ArgumentNullException(nameof(kernelSize))).Validate(nameof(kernelSize));
        Strides = (strides ?? 1).Validate(nameof(strides));
        DilationRate = (dilationRate ?? 1).Validate(nameof(dilationRate));
        if (outputPadding is Size2 op)
        {
            if (op.Rows < 0 || op.Cols < 0 || op.Rows >= Strides.Rows || op.Cols >= Strides.Cols)
                throw new ArgumentException(
                    $"`output_padding` must be strictly less than `strides` for all dimensions. Received: output_padding={op}, strides={Strides}", nameof(outputPadding));
            OutputPadding = op;
        }
        Layers.Padding.CheckStridesWithDilation(Strides, DilationRate);
    }

    /// <summary>Window size (rows, cols).</summary>
    public Size2 KernelSize { get; }
    /// <summary>Upsampling step (rows, cols).</summary>
    public Size2 Strides { get; }
    /// <summary>Extra rows/columns at the end, or null for Keras's inferred size.</summary>
    public Size2? OutputPadding { get; }
    /// <summary>Dilation (rows, cols).</summary>
    public Size2 DilationRate { get; }

    /// <summary>
    /// Keras's padding of the dilated input on each side (keras/src/backend/common/backend_utils.py,
    /// _convert_conv_transpose_padding_args_from_keras_to_jax), for one axis.
    /// </summary>
    internal static (int Before, int After) KerasPadding(int kernel, int stride, int dilation, string padding, int? outputPadding)
    {
        int k = (kernel - 1) * dilation + 1;
        if (padding == "valid")
        {
            int op = outputPadding ?? Math.Max(k, stride) - k;
            return (k - 1, k - 1 + op);
        }
        int padLen = outputPadding is int p ? k + k % 2 - 2 + p : stride + k - 2;
        int before = Math.Min(padLen / 2 + padLen % 2, k - 1);
        return (before, padLen - before);
    }

    /// <summary>Keras's output length for one axis: (i − 1)·s + 2 + before + after − k.</summary>
    internal static int OutputLength(int input, int kernel, int stride, int dilation, string padding, int? outputPadding)
    {
        var (before, after) = KerasPadding(kernel, stride, dilation, padding, outputPadding);
        return (input - 1) * stride + 2 + before + after - ((kernel - 1) * dilation + 1);
    }

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        BuildTransposedWeights(inputShape[2], KernelSize.Rows, KernelSize.Cols);
        _rows = KerasPadding(KernelSize.Rows, Strides.Rows, DilationRate.Rows, Padding, OutputPadding?.Rows);
        _cols = KerasPadding(KernelSize.Cols, Strides.Cols, DilationRate.Cols, Padding, OutputPadding?.Cols);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(
        OutputLength(inputShape[0], KernelSize.Rows, Strides.Rows, DilationRate.Rows, Padding, OutputPadding?.Rows),
        OutputLength(inputShape[1], KernelSize.Cols, Strides.Cols, DilationRate.Cols, Padding, OutputPadding?.Cols),
        Filters);

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor inputs, Tensor? mask, bool training)
    {
        using var scope = NewDisposeScope();
        var x = FloatInputs(inputs).permute(0, 3, 1, 2);
        var (kernel, bias) = ComputeWeights();
        // The full transposed convolution: (i − 1)·s + k per axis (k dilated), i.e. Keras's with k − 1 padding on each side.
        var y = nn.functional.conv_transpose2d(x, kernel, null, Strides.ToLongs(), new long[] { 0, 0 }, new long[] { 0, 0 }, DilationRate.ToLongs(), 1);
        int kr = (KernelSize.Rows - 1) * DilationRate.Rows + 1, kc = (KernelSize.Cols - 1) * DilationRate.Cols + 1;
        // Keras pads by (before, after) instead: cut k − 1 − before at the start and k − 1 − after at the end (negative: add zeros).
        long top = kr - 1 - _rows.Before, bottom = kr - 1 - _rows.After, left = kc - 1 - _cols.Before, right = kc - 1 - _cols.After;
        y = nn.functional.pad(y, new[] { -left, -right, -top, -bottom });
        if (bias is not null) y = y + bias.view(1, -1, 1, 1);
        return y.permute(0, 2, 3, 1).MoveToOuterDisposeScope();
    }

    private protected override LayerConfig SetGeometry(LayerConfig config) =>
        config.Set("kernel_size", KernelSize).Set("strides", Strides).Set("padding", Padding)
              .Set("output_padding", OutputPadding).Set("dilation_rate", DilationRate);
}
