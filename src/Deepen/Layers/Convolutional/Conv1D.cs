using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A 1-D convolution over sequences (batch, steps, channels), as Keras's Conv1D: a glorot-uniform kernel of
/// <c>kernelSize</c> steps × input channels × <c>filters</c>, a zero bias, and "valid", "same" or "causal" padding
/// ("causal" pads only the start, so output step t sees inputs up to t: for autoregressive models, WaveNet-style).
/// Like every convolution it computes in bf16 under "mixed_bfloat16" (see <see cref="BaseConv"/>).
/// </summary>
/// <example><code>new Conv1D(64, 5, activation: "relu", padding: "causal")</code></example>
public sealed class Conv1D : BaseConv
{
    (long Before, long After) _pad;

    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Window length in steps.</param>
    /// <param name="strides">Step; default 1.</param>
    /// <param name="padding">"valid", "same" or "causal".</param>
    /// <param name="activation">An activation name; null = linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="dilationRate">Dilation; default 1.</param>
    /// <param name="kernelInitializer">Kernel initializer name.</param>
    /// <param name="biasInitializer">Bias initializer name.</param>
    /// <param name="groups">Splits the input channels into this many groups, each convolved with filters / groups filters (Keras's <c>groups</c>).</param>
    /// <param name="kernelRegularizer">The kernel's penalty in the loss, or null.</param>
    /// <param name="biasRegularizer">The bias's penalty in the loss, or null.</param>
    /// <param name="activityRegularizer">The output's penalty in the loss (divided by the batch size), or null.</param>
    /// <param name="kernelConstraint">The kernel's projection after each optimizer step, or null.</param>
    /// <param name="biasConstraint">The bias's projection after each optimizer step, or null.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, channels), for the first layer of a model.</param>
    public Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null,
        bool useBias = true, int dilationRate = 1, string kernelInitializer = "glorot_uniform",
        string biasInitializer = "zeros", int groups = 1, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        string? name = null, Shape? inputShape = null)
        : base(1, filters, Check.OneOf(padding, nameof(padding), "valid", "same", "causal"), activation, useBias, kernelInitializer,
               biasInitializer, name, inputShape, groups,
               (kernelRegularizer, biasRegularizer, activityRegularizer), (kernelConstraint, biasConstraint))
    {
        KernelSize = Check.Positive(kernelSize, nameof(kernelSize));
        Strides = Check.Positive(strides, nameof(strides));
        DilationRate = Check.Positive(dilationRate, nameof(dilationRate));
        if (DilationRate > 1 && Strides > 1)
            throw Check.Invalid(nameof(strides), strides, "1 when dilationRate > 1 (Keras does not allow both)");
    }

    /// <summary>Window length in steps.</summary>
    public int KernelSize { get; }
    /// <summary>Step.</summary>
    public int Strides { get; }
    /// <summary>Dilation.</summary>
    public int DilationRate { get; }

    int EffectiveKernel => (KernelSize - 1) * DilationRate + 1;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        if (Padding == "valid" && inputShape[0] < EffectiveKernel)
            throw new ArgumentException(
                $"Layer \"{Name}\": the kernel spans {EffectiveKernel} steps, more than the input {inputShape.ToBatchString()} with padding=\"valid\". Use a smaller kernel, padding=\"same\", or longer sequences.");
        BuildWeights(inputShape[1], KernelSize);
        _pad = Padding switch
        {
            "same" => Layers.Padding.Same(inputShape[0], EffectiveKernel, Strides),
            "causal" => (EffectiveKernel - 1, 0),
            _ => (0, 0),
        };
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(
        Padding == "causal" ? (inputShape[0] + Strides - 1) / Strides
            : Layers.Padding.OutputLength(inputShape[0], EffectiveKernel, Strides, Padding),
        Filters);

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor inputs, Tensor? mask, bool training)
    {
        using var scope = NewDisposeScope();
        var x = FloatInputs(inputs).transpose(1, 2);                        // (N, L, C) → (N, C, L)
        if (_pad != (0, 0)) x = nn.functional.pad(x, new[] { _pad.Before, _pad.After });
        var (kernel, bias) = ComputeWeights();
        if (Groups > 1) x = x.contiguous();             // grouped convolutions of strided views: see DepthwiseConv2D.Depthwise
        var y = nn.functional.conv1d(x, kernel, bias, Strides, 0, DilationRate, Groups);
        return y.transpose(1, 2).MoveToOuterDisposeScope();
    }

    private protected override LayerConfig SetGeometry(LayerConfig config) =>
        config.Set("kernel_size", KernelSize).Set("strides", Strides).Set("padding", Padding).Set("dilation_rate", DilationRate).Set("groups", Groups);
}
