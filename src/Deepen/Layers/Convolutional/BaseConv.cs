using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// What every convolution shares, as Keras's <c>BaseConv</c>: the number of filters, the padding, the activation
/// (applied by the base <see cref="Layer"/>, fused with the loss as logits), the bias, the initializers, the kernel
/// and bias weights in TorchSharp's layout [filters, in channels, window…], the bf16 autocast under
/// "mixed_bfloat16" and the config keys. <see cref="Conv1D"/> and <see cref="Conv2D"/> add their window geometry
/// and the convolution itself.
/// </summary>
/// <example><code>Layer conv = new Conv2D(32, 3, activation: "relu"); int filters = ((BaseConv)conv).Filters;</code></example>
public abstract class BaseConv : Layer
{
    Weight? _kernel, _bias;

    /// <summary>Stores and checks the arguments every convolution has.</summary>
    /// <param name="rank">The number of spatial axes: 1 or 2.</param>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="padding">The padding's name, already checked by the subclass.</param>
    /// <param name="activation">An activation name; null = linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Kernel initializer name.</param>
    /// <param name="biasInitializer">Bias initializer name.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    private protected BaseConv(int rank, int filters, string padding, string? activation, bool useBias, string kernelInitializer,
        string biasInitializer, string? name, Shape? inputShape) : base(name, inputShape)
    {
        Rank = rank;
        Filters = Check.Positive(filters, nameof(filters));
        Padding = padding;
        Activation = Activations.Activations.Resolve(activation);
        UseBias = useBias;
        KernelInitializer = Initializers.Resolve(kernelInitializer, nameof(kernelInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
    }

    /// <summary>The number of spatial axes (1 for Conv1D, 2 for Conv2D).</summary>
    public int Rank { get; }
    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>"valid", "same" (or "causal" for Conv1D).</summary>
    public string Padding { get; }
    /// <summary>The activation's name ("linear" for none).</summary>
    public string Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>The kernel initializer's name.</summary>
    public string KernelInitializer { get; }
    /// <summary>The bias initializer's name.</summary>
    public string BiasInitializer { get; }

    /// <summary>The kernel, stored as [filters, in channels, window…] (TorchSharp's layout).</summary>
    public Weight Kernel => _kernel ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");
    /// <summary>The bias [filters], or null without one.</summary>
    public Weight? Bias => _bias;

    /// <inheritdoc/>
    protected override string? ActivationName => Activation;
    /// <inheritdoc/>
    protected override bool Autocasts => true;
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => Rank + 1;

    /// <summary>Creates the kernel [filters, <paramref name="inChannels"/>, <paramref name="window"/>…] and the bias, with Keras's fans.</summary>
    private protected void BuildWeights(int inChannels, params int[] window)
    {
        long field = window.Aggregate(1L, (a, k) => a * k);
        _kernel = AddWeight("kernel", new long[] { Filters, inChannels }.Concat(window.Select(k => (long)k)).ToArray(),
            KernelInitializer, field * inChannels, field * Filters);
        _kernel.Layout = KerasWeightLayout.Convolution;
        if (UseBias) _bias = AddWeight("bias", new long[] { Filters }, BiasInitializer, field * inChannels, field * Filters);
    }

    /// <summary>The kernel and bias in the compute dtype in effect (bf16 under mixed precision).</summary>
    private protected (Tensor Kernel, Tensor? Bias) ComputeWeights() => (ComputeValue(Kernel), _bias is null ? null : ComputeValue(_bias));

    /// <summary>The window geometry's config entries (kernel_size, strides, padding, dilation_rate).</summary>
    private protected abstract LayerConfig SetGeometry(LayerConfig config);

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => SetGeometry(base.GetConfig().Set("filters", Filters))
        .Set("activation", Activation).Set("use_bias", UseBias)
        .Set("kernel_initializer", KernelInitializer).Set("bias_initializer", BiasInitializer);
}
