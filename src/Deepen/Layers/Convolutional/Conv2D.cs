using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A 2-D convolution over channels-last images (batch, rows, cols, channels), as Keras's Conv2D: a glorot-uniform
/// kernel of <c>kernelSize</c> × input channels × <c>filters</c>, a zero bias, "valid" or "same" padding. The
/// activation, fused logits and bf16 autocast come from <see cref="BaseConv"/> and <see cref="Layer"/>.
/// </summary>
/// <example><code>new Conv2D(32, (3, 3), activation: "relu", inputShape: (150, 150, 3))</code></example>
public sealed class Conv2D : BaseConv
{
    (long, long) _padRows, _padCols;
    bool _symmetric;

    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Window size: an int or (rows, cols).</param>
    /// <param name="strides">Step: an int or (rows, cols); default 1.</param>
    /// <param name="padding">"valid" (no padding) or "same" (output size = ceil(input / stride)).</param>
    /// <param name="activation">An activation name; null = linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="dilationRate">Dilation: an int or (rows, cols); default 1.</param>
    /// <param name="kernelInitializer">Kernel initializer name.</param>
    /// <param name="biasInitializer">Bias initializer name.</param>
    /// <param name="groups">Splits the input channels into this many groups, each convolved with filters / groups filters (Keras's <c>groups</c>).</param>
    /// <param name="kernelRegularizer">The kernel's penalty in the loss, or null.</param>
    /// <param name="biasRegularizer">The bias's penalty in the loss, or null.</param>
    /// <param name="activityRegularizer">The output's penalty in the loss (divided by the batch size), or null.</param>
    /// <param name="kernelConstraint">The kernel's projection after each optimizer step, or null.</param>
    /// <param name="biasConstraint">The bias's projection after each optimizer step, or null.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(rows, cols, channels), for the first layer of a model.</param>
    public Conv2D(int filters, Size2 kernelSize, Size2? strides = null, string padding = "valid", string? activation = null,
        bool useBias = true, Size2? dilationRate = null, string kernelInitializer = "glorot_uniform",
        string biasInitializer = "zeros", int groups = 1, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        string? name = null, Shape? inputShape = null)
        : base(2, filters, Layers.Padding.Resolve(padding), activation, useBias, kernelInitializer, biasInitializer, name, inputShape, groups,
               (kernelRegularizer, biasRegularizer, activityRegularizer), (kernelConstraint, biasConstraint))
    {
        KernelSize = (kernelSize ?? throw new ArgumentNullException(nameof(kernelSize))).Validate(nameof(kernelSize));
        Strides = (strides ?? 1).Validate(nameof(strides));
        DilationRate = (dilationRate ?? 1).Validate(nameof(dilationRate));
    }

    /// <summary>Window size (rows, cols).</summary>
    public Size2 KernelSize { get; }
    /// <summary>Step (rows, cols).</summary>
    public Size2 Strides { get; }
    /// <summary>Dilation (rows, cols).</summary>
    public Size2 DilationRate { get; }

    Size2 EffectiveKernel => Layers.Padding.Dilated(KernelSize, DilationRate);

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        Layers.Padding.CheckFits(Name, inputShape, EffectiveKernel, Padding);
        BuildWeights(inputShape[2], KernelSize.Rows, KernelSize.Cols);
        if (Padding == "same")
        {
            _padRows = Layers.Padding.Same(inputShape[0], EffectiveKernel.Rows, Strides.Rows);
            _padCols = Layers.Padding.Same(inputShape[1], EffectiveKernel.Cols, Strides.Cols);
        }
        _symmetric = _padRows.Item1 == _padRows.Item2 && _padCols.Item1 == _padCols.Item2;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(
        Layers.Padding.OutputLength(inputShape[0], EffectiveKernel.Rows, Strides.Rows, Padding),
        Layers.Padding.OutputLength(inputShape[1], EffectiveKernel.Cols, Strides.Cols, Padding),
        Filters);

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor inputs, Tensor? mask, bool training)
    {
        using var scope = NewDisposeScope();
        // (N, H, W, C) viewed as (N, C, H, W): a channels-last strided view, which LibTorch's convolutions prefer.
        var x = FloatInputs(inputs).permute(0, 3, 1, 2);
        long[] pad;
        if (_symmetric) pad = new[] { _padRows.Item1, _padCols.Item1 };
        else
        {
            x = nn.functional.pad(x, new[] { _padCols.Item1, _padCols.Item2, _padRows.Item1, _padRows.Item2 });
            pad = new long[] { 0, 0 };
        }
        var (kernel, bias) = ComputeWeights();
        var strides = Strides.ToLongs();
        if (KernelSize.Rows == 1 && KernelSize.Cols == 1 && (Strides.Rows > 1 || Strides.Cols > 1))
        {
            // A strided 1×1 convolution reads every stride-th pixel: take those pixels, then convolve with stride 1.
            // Same result; and LibTorch 2.10's backward of a strided 1×1 convolution over a channels-last input
            // corrupts the heap on AVX-512 CPUs (seen as "corrupted size vs. prev_size" in ResNet shortcuts).
            x = x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, Strides.Rows), TensorIndex.Slice(null, null, Strides.Cols)];
            strides = new long[] { 1, 1 };
        }
        if (Groups > 1) x = x.contiguous();             // grouped convolutions of channels-last views: see DepthwiseConv2D.Depthwise
        var y = nn.functional.conv2d(x, kernel, bias, strides, pad, DilationRate.ToLongs(), Groups);
        return y.permute(0, 2, 3, 1).MoveToOuterDisposeScope();
    }

    private protected override LayerConfig SetGeometry(LayerConfig config) =>
        config.Set("kernel_size", KernelSize).Set("strides", Strides).Set("padding", Padding).Set("dilation_rate", DilationRate).Set("groups", Groups);
}
