using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A depthwise-separable 2-D convolution over channels-last images, as Keras's <c>SeparableConv2D</c>
/// (keras/src/layers/convolutional/separable_conv2d.py): a depthwise convolution (each input channel with its own
/// <c>depthMultiplier</c> filters, with the strides, padding and dilation) followed by a 1×1 pointwise convolution to
/// <c>filters</c> channels, then the bias and activation. Weights in Keras's order and layouts: depthwise_kernel
/// (kh, kw, in, multiplier), pointwise_kernel (1, 1, in·multiplier, filters), bias (filters).
/// </summary>
/// <example><code>new SeparableConv2D(64, 3, padding: "same", activation: "relu")</code></example>
public sealed class SeparableConv2D : Layer
{
    Weight? _depthwise, _pointwise, _bias;
    (long Before, long After) _padRows, _padCols;
    int _inChannels;

    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Window size: an int or (rows, cols).</param>
    /// <param name="strides">Step: an int or (rows, cols); default 1.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="depthMultiplier">Depthwise output channels per input channel.</param>
    /// <param name="dilationRate">Dilation: an int or (rows, cols); default 1 (not with strides > 1).</param>
    /// <param name="activation">An activation name; null = linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Depthwise kernel initializer name.</param>
    /// <param name="pointwiseInitializer">Pointwise kernel initializer name.</param>
    /// <param name="biasInitializer">Bias initializer name.</param>
    /// <param name="depthwiseRegularizer">The depthwise kernel's penalty in the loss, or null.</param>
    /// <param name="pointwiseRegularizer">The pointwise kernel's penalty in the loss, or null.</param>
    /// <param name="biasRegularizer">The bias's penalty in the loss, or null.</param>
    /// <param name="activityRegularizer">The output's penalty in the loss (divided by the batch size), or null.</param>
    /// <param name="depthwiseConstraint">The depthwise kernel's projection after each optimizer step, or null.</param>
    /// <param name="pointwiseConstraint">The pointwise kernel's projection after each optimizer step, or null.</param>
    /// <param name="biasConstraint">The bias's projection after each optimizer step, or null.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(rows, cols, channels), for the first layer of a model.</param>
    public SeparableConv2D(int filters, Size2 kernelSize, Size2? strides = null, string padding = "valid", int depthMultiplier = 1,
        Size2? dilationRate = null, string? activation = null, bool useBias = true, string depthwiseInitializer = "glorot_uniform",
        string pointwiseInitializer = "glorot_uniform", string biasInitializer = "zeros", Regularizer? depthwiseRegularizer = null,
        Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? depthwiseConstraint = null, Constraint? pointwiseConstraint = null, Constraint? biasConstraint = null,
        string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Filters = Check.Positive(filters, nameof(filters));
        KernelSize = (kernelSize ?? throw new ArgumentNullException(nameof(kernelSize))).Validate(nameof(kernelSize));
        Strides = (strides ?? 1).Validate(nameof(strides));
        Padding = Layers.Padding.Resolve(padding);
        DepthMultiplier = Check.Positive(depthMultiplier, nameof(depthMultiplier));
        DilationRate = (dilationRate ?? 1).Validate(nameof(dilationRate));
        Layers.Padding.CheckStridesWithDilation(Strides, DilationRate);
        Activation = Activations.Activations.Resolve(activation);
        UseBias = useBias;
        DepthwiseInitializer = Initializers.Resolve(depthwiseInitializer, nameof(depthwiseInitializer));
        PointwiseInitializer = Initializers.Resolve(pointwiseInitializer, nameof(pointwiseInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
        DepthwiseRegularizer = depthwiseRegularizer;
        PointwiseRegularizer = pointwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        DepthwiseConstraint = depthwiseConstraint;
        PointwiseConstraint = pointwiseConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>Window size (rows, cols).</summary>
    public Size2 KernelSize { get; }
    /// <summary>Step (rows, cols).</summary>
    public Size2 Strides { get; }
    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }
    /// <summary>Depthwise output channels per input channel.</summary>
    public int DepthMultiplier { get; }
    /// <summary>Dilation (rows, cols).</summary>
    public Size2 DilationRate { get; }
    /// <summary>The activation's name ("linear" for none).</summary>
    public string Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>The depthwise kernel initializer's name.</summary>
    public string DepthwiseInitializer { get; }
    /// <summary>The pointwise kernel initializer's name.</summary>
    public string PointwiseInitializer { get; }
    /// <summary>The bias initializer's name.</summary>
    public string BiasInitializer { get; }
    /// <summary>The depthwise kernel's penalty in the loss, or null.</summary>
    public Regularizer? DepthwiseRegularizer { get; }
    /// <summary>The pointwise kernel's penalty in the loss, or null.</summary>
    public Regularizer? PointwiseRegularizer { get; }
    /// <summary>The bias's penalty in the loss, or null.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>The depthwise kernel's constraint, or null.</summary>
    public Constraint? DepthwiseConstraint { get; }
    /// <summary>The pointwise kernel's constraint, or null.</summary>
    public Constraint? PointwiseConstraint { get; }
    /// <summary>The bias's constraint, or null.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>The depthwise kernel, stored as [in·multiplier, 1, kh, kw].</summary>
    public Weight DepthwiseKernel => _depthwise ?? throw NotBuilt();
    /// <summary>The pointwise kernel, stored as [filters, in·multiplier, 1, 1].</summary>
    public Weight PointwiseKernel => _pointwise ?? throw NotBuilt();
    /// <summary>The bias [filters], or null without one.</summary>
    public Weight? Bias => _bias;

    InvalidOperationException NotBuilt() => new($"Layer \"{Name}\" is not built yet.");

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
        (_padRows, _padCols) = DepthwiseConv2D.SamePads(inputShape, EffectiveKernel, Strides, Padding);
        long field = (long)KernelSize.Rows * KernelSize.Cols, middle = (long)_inChannels * DepthMultiplier;
        _depthwise = AddWeight("depthwise_kernel", new long[] { middle, 1, KernelSize.Rows, KernelSize.Cols }, DepthwiseInitializer,
            field * _inChannels, field * DepthMultiplier, regularizer: DepthwiseRegularizer, constraint: DepthwiseConstraint);
        _depthwise.Layout = KerasWeightLayout.Depthwise(DepthMultiplier);
        _pointwise = AddWeight("pointwise_kernel", new long[] { Filters, middle, 1, 1 }, PointwiseInitializer, middle, Filters,
            regularizer: PointwiseRegularizer, constraint: PointwiseConstraint);
        _pointwise.Layout = KerasWeightLayout.Convolution;
        if (UseBias) _bias = AddWeight("bias", new long[] { Filters }, BiasInitializer, middle, Filters,
            regularizer: BiasRegularizer, constraint: BiasConstraint);
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
        var x = FloatInputs(inputs).permute(0, 3, 1, 2);
        var depthwise = DepthwiseConv2D.Depthwise(x, ComputeValue(DepthwiseKernel), null, _padRows, _padCols, Strides, DilationRate, _inChannels);
        var y = nn.functional.conv2d(depthwise, ComputeValue(PointwiseKernel), _bias is null ? null : ComputeValue(_bias));
        return y.permute(0, 2, 3, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("filters", Filters).Set("kernel_size", KernelSize).Set("strides", Strides).Set("padding", Padding)
        .Set("depth_multiplier", DepthMultiplier).Set("dilation_rate", DilationRate).Set("activation", Activation).Set("use_bias", UseBias)
        .Set("depthwise_initializer", DepthwiseInitializer).Set("pointwise_initializer", PointwiseInitializer).Set("bias_initializer", BiasInitializer)
        .Set("depthwise_regularizer", DepthwiseRegularizer?.ToJson()).Set("pointwise_regularizer", PointwiseRegularizer?.ToJson())
        .Set("bias_regularizer", BiasRegularizer?.ToJson()).Set("depthwise_constraint", DepthwiseConstraint?.ToJson())
        .Set("pointwise_constraint", PointwiseConstraint?.ToJson()).Set("bias_constraint", BiasConstraint?.ToJson());
}
