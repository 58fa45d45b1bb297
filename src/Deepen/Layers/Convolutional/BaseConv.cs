using Deepen.Constraints;
using Deepen.Regularizers;
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
    /// <param name="groups">Number of groups the input channels are split into (each sees filters / groups filters).</param>
    /// <param name="regularizers">The kernel, bias and activity regularizers (each may be null).</param>
    /// <param name="constraints">The kernel and bias constraints (each may be null).</param>
    private protected BaseConv(int rank, int filters, string padding, string? activation, bool useBias, string kernelInitializer,
        string biasInitializer, string? name, Shape? inputShape, int groups = 1,
        (Regularizer? Kernel, Regularizer? Bias, Regularizer? Activity) regularizers = default,
        (Constraint? Kernel, Constraint? Bias) constraints = default) : base(name, inputShape)
    {
        Rank = rank;
        Filters = Check.Positive(filters, nameof(filters));
        Groups = Check.Positive(groups, nameof(groups));
        if (filters % groups != 0)
            throw new ArgumentException($"The number of filters must be evenly divisible by the number of groups. Received: groups={groups}, filters={filters}.", nameof(groups));
        KernelRegularizer = regularizers.Kernel;
        BiasRegularizer = regularizers.Bias;
        ActivityRegularizer = regularizers.Activity;
        KernelConstraint = constraints.Kernel;
        BiasConstraint = constraints.Bias;
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

    /// <summary>Number of groups (Keras's <c>groups</c>): the input channels and filters are split into this many independent convolutions.</summary>
    public int Groups { get; }
    /// <summary>The kernel's penalty in the loss, or null.</summary>
    public Regularizer? KernelRegularizer { get; }
    /// <summary>The bias's penalty in the loss, or null.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>The kernel's constraint (seen in Keras's layout (k…, in, out)), or null.</summary>
    public Constraint? KernelConstraint { get; }
    /// <summary>The bias's constraint, or null.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>The kernel, stored as [filters, in channels / groups, window…] (TorchSharp's layout).</summary>
    public Weight Kernel => _kernel ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");
    /// <summary>The bias [filters], or null without one.</summary>
    public Weight? Bias => _bias;

    /// <inheritdoc/>
    protected override string? ActivationName => Activation;
    /// <inheritdoc/>
    protected override bool Autocasts => true;
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => Rank + 1;

    /// <summary>
    /// Creates the kernel [filters, <paramref name="inChannels"/> / groups, <paramref name="window"/>…] and the bias, with
    /// Keras's fans (Keras's kernel is (window…, in / groups, filters)).
    /// </summary>
    private protected void BuildWeights(int inChannels, params int[] window)
    {
        if (inChannels % Groups != 0)
            throw new ArgumentException(
                $"The number of input channels must be evenly divisible by the number of groups. Received groups={Groups}, but the input has {inChannels} channels (layer \"{Name}\").");
        long field = window.Aggregate(1L, (a, k) => a * k), perGroup = inChannels / Groups;
        _kernel = AddWeight("kernel", new long[] { Filters, perGroup }.Concat(window.Select(k => (long)k)).ToArray(),
            KernelInitializer, field * perGroup, field * Filters, regularizer: KernelRegularizer, constraint: KernelConstraint);
        _kernel.Layout = KerasWeightLayout.Convolution;
        if (UseBias) _bias = AddWeight("bias", new long[] { Filters }, BiasInitializer, field * perGroup, field * Filters,
            regularizer: BiasRegularizer, constraint: BiasConstraint);
    }

    /// <summary>
    /// Creates a transposed convolution's kernel [<paramref name="inChannels"/>, filters, <paramref name="window"/>…]
    /// (LibTorch's layout; Keras's is (window…, filters, in)) and the bias, with Keras's fans for that shape.
    /// </summary>
    private protected void BuildTransposedWeights(int inChannels, params int[] window)
    {
        long field = window.Aggregate(1L, (a, k) => a * k);
        _kernel = AddWeight("kernel", new long[] { inChannels, Filters }.Concat(window.Select(k => (long)k)).ToArray(),
            KernelInitializer, field * Filters, field * inChannels, regularizer: KernelRegularizer, constraint: KernelConstraint);
        _kernel.Layout = KerasWeightLayout.TransposedConvolution;
        if (UseBias) _bias = AddWeight("bias", new long[] { Filters }, BiasInitializer, field * Filters, field * inChannels,
            regularizer: BiasRegularizer, constraint: BiasConstraint);
    }

    /// <summary>The kernel and bias in the compute dtype in effect (bf16 under mixed precision).</summary>
    private protected (Tensor Kernel, Tensor? Bias) ComputeWeights() => (ComputeValue(Kernel), _bias is null ? null : ComputeValue(_bias));

    /// <summary>The window geometry's config entries (kernel_size, strides, padding, dilation_rate).</summary>
    private protected abstract LayerConfig SetGeometry(LayerConfig config);

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => SetGeometry(base.GetConfig().Set("filters", Filters))
        .Set("activation", Activation).Set("use_bias", UseBias)
        .Set("kernel_initializer", KernelInitializer).Set("bias_initializer", BiasInitializer)
        .Set("kernel_regularizer", KernelRegularizer?.ToJson()).Set("bias_regularizer", BiasRegularizer?.ToJson())
        .Set("kernel_constraint", KernelConstraint?.ToJson()).Set("bias_constraint", BiasConstraint?.ToJson());
}
