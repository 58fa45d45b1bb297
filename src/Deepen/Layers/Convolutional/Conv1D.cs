using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A 1-D convolution over sequences (batch, steps, channels), as Keras's Conv1D: a glorot-uniform kernel of
/// <c>kernelSize</c> steps × input channels × <c>filters</c>, a zero bias, and "valid", "same" or "causal" padding
/// ("causal" pads only the start, so output step t sees inputs up to t: for autoregressive models, WaveNet-style).
/// </summary>
/// <example><code>new Conv1D(64, 5, activation: "relu", padding: "causal")</code></example>
public sealed class Conv1D : Layer
{
    readonly Func<Tensor, Tensor> _activation;
    Weight? _kernel, _bias;
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
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, channels), for the first layer of a model.</param>
    public Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null,
        bool useBias = true, int dilationRate = 1, string kernelInitializer = "glorot_uniform",
        string biasInitializer = "zeros", string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Filters = Check.Positive(filters, nameof(filters));
        KernelSize = Check.Positive(kernelSize, nameof(kernelSize));
        Strides = Check.Positive(strides, nameof(strides));
        DilationRate = Check.Positive(dilationRate, nameof(dilationRate));
        Padding = Check.OneOf(padding, nameof(padding), "valid", "same", "causal");
        if (DilationRate > 1 && Strides > 1)
            throw Check.Invalid(nameof(strides), strides, "1 when dilationRate > 1 (Keras does not allow both)");
        Activation = Activations.Activations.Resolve(activation);
        _activation = Activations.Activations.Get(Activation);
        UseBias = useBias;
        KernelInitializer = Initializers.Resolve(kernelInitializer, nameof(kernelInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
    }

    public int Filters { get; }
    public int KernelSize { get; }
    public int Strides { get; }
    public int DilationRate { get; }
    public string Padding { get; }
    public string Activation { get; }
    public bool UseBias { get; }
    public string KernelInitializer { get; }
    public string BiasInitializer { get; }

    /// <summary>The kernel, stored as [filters, in channels, kernelSize] (TorchSharp's layout).</summary>
    public Weight Kernel => _kernel ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");
    public Weight? Bias => _bias;

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;

    int EffectiveKernel => (KernelSize - 1) * DilationRate + 1;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        if (Padding == "valid" && inputShape[0] < EffectiveKernel)
            throw new ArgumentException(
                $"Layer \"{Name}\": the kernel spans {EffectiveKernel} steps, more than the input {inputShape.ToBatchString()} with padding=\"valid\". Use a smaller kernel, padding=\"same\", or longer sequences.");
        int inChannels = inputShape[1];
        _kernel = AddWeight("kernel", new long[] { Filters, inChannels, KernelSize }, KernelInitializer,
            (long)KernelSize * inChannels, (long)KernelSize * Filters);
        _kernel.Layout = KerasWeightLayout.Convolution;
        if (UseBias) _bias = AddWeight("bias", new long[] { Filters }, BiasInitializer, (long)KernelSize * inChannels, (long)KernelSize * Filters);
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

    internal override string? FinalActivation => Activation;

    internal override Tensor CallWithoutActivation(Tensor inputs, Tensor? mask, bool training)
    {
        using var scope = NewDisposeScope();
        var x = FloatInputs(inputs).transpose(1, 2);                        // (N, L, C) → (N, C, L)
        if (_pad != (0, 0)) x = nn.functional.pad(x, new[] { _pad.Before, _pad.After });
        var y = nn.functional.conv1d(x, Kernel.Value, _bias?.Value, Strides, 0, DilationRate);
        return y.transpose(1, 2).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (Activation == "linear") return CallWithoutActivation(inputs, null, training);
        using var z = CallWithoutActivation(inputs, null, training);
        return _activation(z);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("filters", Filters).Set("kernel_size", KernelSize).Set("strides", Strides).Set("padding", Padding)
        .Set("dilation_rate", DilationRate).Set("activation", Activation).Set("use_bias", UseBias)
        .Set("kernel_initializer", KernelInitializer).Set("bias_initializer", BiasInitializer);
}
