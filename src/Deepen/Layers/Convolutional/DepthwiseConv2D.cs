using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A depthwise 2-D convolution over channels-last images, as Keras's <c>DepthwiseConv2D</c>
/// (keras/src/layers/convolutional/depthwise_conv2d.py): each input channel is convolved with its own
/// <c>depthMultiplier</c> filters, giving in·multiplier output channels (output channel c·multiplier + m comes from
/// input channel c). The kernel is Keras's (kh, kw, in, multiplier) in <c>GetWeights</c>/<c>SetWeights</c>; LibTorch
/// computes it as a grouped convolution (groups = in). Computes in bf16 under "mixed_bfloat16", like every convolution.
/// </summary>
/// <example><code>new DepthwiseConv2D(3, padding: "same", depthMultiplier: 2, activation: "relu")</code></example>
public sealed class DepthwiseConv2D : Layer
{
    Weight? _kernel, _bias;
    (long Before, long After) _padRows, _padCols;
    int _inChannels;

    /// <param name="kernelSize">Window size: an int or (rows, cols).</param>
    /// <param name="strides">Step: an int or (rows, cols); default 1.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="depthMultiplier">Output channels per input channel.</param>
    /// <param name="dilationRate">Dilation: an int or (rows, cols); default 1 (not with strides > 1).</param>
    /// <param name="activation">An activation name; null = linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Kernel initializer name.</param>
    /// <param name="biasInitializer">Bias initializer name.</param>
    /// <param name="depthwiseRegularizer">The kernel's penalty in the loss, or null.</param>
    /// <param name="biasRegularizer">The bias's penalty in the loss, or null.</param>
    /// <param name="activityRegularizer">The output's penalty in the loss (divided by the batch size), or null.</param>
    /// <param name="depthwiseConstraint">The kernel's projection after each optimizer step, or null.</param>
    /// <param name="biasConstraint">The bias's projection after each optimizer step, or null.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(rows, cols, channels), for the first layer of a model.</param>
    public DepthwiseConv2D(Size2 kernelSize, Size2? strides = null, string padding = "valid", int depthMultiplier = 1,
        Size2? dilationRate = null, string? activation = null, bool useBias = true, string depthwiseInitializer = "glorot_uniform",
        string biasInitializer = "zeros", Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? depthwiseConstraint = null, Constraint? biasConstraint = null,
        string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        KernelSize = (kernelSize ?? throw new ArgumentNullException(nameof(kernelSize))).Validate(nameof(kernelSize));
        Strides = (strides ?? 1).Validate(nameof(strides));
        Padding = Layers.Padding.Resolve(padding);
        DepthMultiplier = Check.Positive(depthMultiplier, nameof(depthMultiplier));
        DilationRate = (dilationRate ?? 1).Validate(nameof(dilationRate));
        Layers.Padding.CheckStridesWithDilation(Strides, DilationRate);
        Activation = Activations.Activations.Resolve(activation);
        UseBias = useBias;
        DepthwiseInitializer = Initializers.Resolve(depthwiseInitializer, nameof(depthwiseInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
        DepthwiseRegularizer = depthwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        DepthwiseConstraint = depthwiseConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>Window size (rows, cols).</summary>
    public Size2 KernelSize { get; }
    /// <summary>Step (rows, cols).</summary>
    public Size2 Strides { get; }
    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }
    /// <summary>Output channels per input channel.</summary>
    public int DepthMultiplier { get; }
    /// <summary>Dilation (rows, cols).</summary>
    public Size2 DilationRate { get; }
    /// <summary>The activation's name ("linear" for none).</summary>
    public string Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>The kernel initializer's name.</summary>
    public string DepthwiseInitializer { get; }
    /// <summary>The bias initializer's name.</summary>
    public string BiasInitializer { get; }
    /// <summary>The kernel's penalty in the loss, or null.</summary>
    public Regularizer? DepthwiseRegularizer { get; }
    /// <summary>The bias's penalty in the loss, or null.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>The kernel's constraint, or null.</summary>
    public Constraint? DepthwiseConstraint { get; }
    /// <summary>The bias's constraint, or null.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>The kernel, stored as [in·multiplier, 1, kh, kw] (LibTorch's grouped layout).</summary>
    public Weight DepthwiseKernel => _kernel ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");
    /// <summary>The bias [in·multiplier], or null without one.</summary>
    public Weight? Bias => _bias;

    /// <inheritdoc/>
    protected override string? ActivationName => Activation;
    /// <inheritdoc/>
    protected override bool Autocasts => true;
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 3;

    Size2 EffectiveKernel => Layers.Padding.Dilated(KernelSize, DilationRate);

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        Layers.Padding.CheckFits(Name, inputShape, EffectiveKernel, Padding);
        _inChannels = inputShape[2];
        (_padRows, _padCols) = SamePads(inputShape, EffectiveKernel, Strides, Padding);
        long field = (long)KernelSize.Rows * KernelSize.Cols, outChannels = (long)_inChannels * DepthMultiplier;
        // Keras's fans for the (kh, kw, in, multiplier) kernel: field·in and field·multiplier.
        _kernel = AddWeight("kernel", new long[] { outChannels, 1, KernelSize.Rows, KernelSize.Cols }, DepthwiseInitializer,
            field * _inChannels, field * DepthMultiplier, regularizer: DepthwiseRegularizer, constraint: DepthwiseConstraint);
        _kernel.Layout = KerasWeightLayout.Depthwise(DepthMultiplier);
        if (UseBias) _bias = AddWeight("bias", new long[] { outChannels }, BiasInitializer, field * _inChannels, field * DepthMultiplier,
            regularizer: BiasRegularizer, constraint: BiasConstraint);
    }

    /// <summary>Keras's "same" zeros before and after on each axis ((0, 0) for "valid").</summary>
    internal static ((long, long) Rows, (long, long) Cols) SamePads(Shape input, Size2 effectiveKernel, Size2 strides, string padding) =>
        padding == "same"
            ? (Layers.Padding.Same(input[0], effectiveKernel.Rows, strides.Rows), Layers.Padding.Same(input[1], effectiveKernel.Cols, strides.Cols))
            : ((0, 0), (0, 0));

    /// <summary>The grouped convolution of <paramref name="nchw"/> (a channels-last batch viewed as NCHW), Keras's padding first.</summary>
    internal static Tensor Depthwise(Tensor nchw, Tensor kernel, Tensor? bias, (long, long) rows, (long, long) cols, Size2 strides, Size2 dilation, long groups)
    {
        if (rows != (0, 0) || cols != (0, 0)) nchw = nn.functional.pad(nchw, new[] { cols.Item1, cols.Item2, rows.Item1, rows.Item2 });
        // Contiguous NCHW: LibTorch 2.10's CPU grouped convolution of a channels-last strided view gave wrong outputs here
        // (seen with 4 channels × multiplier 5; 1 or 2 channels were right). DepthwiseSeparableTests compare against Keras's definition.
        return nn.functional.conv2d(nchw.contiguous(), kernel, bias, strides.ToLongs(), new long[] { 0, 0 }, dilation.ToLongs(), groups);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(
        Layers.Padding.OutputLength(inputShape[0], EffectiveKernel.Rows, Strides.Rows, Padding),
        Layers.Padding.OutputLength(inputShape[1], EffectiveKernel.Cols, Strides.Cols, Padding),
        inputShape[2] * DepthMultiplier);

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor inputs, Tensor? mask, bool training)
    {
        using var scope = NewDisposeScope();
        var x = FloatInputs(inputs).permute(0, 3, 1, 2);
        var y = Depthwise(x, ComputeValue(DepthwiseKernel), _bias is null ? null : ComputeValue(_bias), _padRows, _padCols, Strides, DilationRate, _inChannels);
        return y.permute(0, 2, 3, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("kernel_size", KernelSize).Set("strides", Strides).Set("padding", Padding).Set("depth_multiplier", DepthMultiplier)
        .Set("dilation_rate", DilationRate).Set("activation", Activation).Set("use_bias", UseBias)
        .Set("depthwise_initializer", DepthwiseInitializer).Set("bias_initializer", BiasInitializer)
        .Set("depthwise_regularizer", DepthwiseRegularizer?.ToJson()).Set("bias_regularizer", BiasRegularizer?.ToJson())
        .Set("depthwise_constraint", DepthwiseConstraint?.ToJson()).Set("bias_constraint", BiasConstraint?.ToJson());
}
