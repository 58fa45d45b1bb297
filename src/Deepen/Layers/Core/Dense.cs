using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A densely connected layer: <c>activation(dot(x, kernel) + bias)</c> over the last axis, as Keras's Dense.
/// The kernel is glorot-uniform initialized and the bias zero by default. The base <see cref="Layer"/> applies the
/// activation (fused with the loss as logits) and, under "mixed_bfloat16", the bf16 autocast.
/// </summary>
/// <example><code>new Dense(64, activation: "relu", inputShape: 784); new Dense(10, "softmax");</code></example>
public sealed class Dense : Layer
{
    Weight? _kernel, _bias;

    /// <param name="units">Output size.</param>
    /// <param name="activation">An activation name (relu, sigmoid, softmax, tanh, gelu, leaky_relu, linear); null = linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Kernel initializer name.</param>
    /// <param name="biasInitializer">Bias initializer name.</param>
    /// <param name="kernelRegularizer">The kernel's penalty in the loss ("l1", "l2", a <see cref="Regularizer"/>), or null.</param>
    /// <param name="biasRegularizer">The bias's penalty in the loss, or null.</param>
    /// <param name="activityRegularizer">The output's penalty in the loss (divided by the batch size), or null.</param>
    /// <param name="kernelConstraint">The kernel's projection after each optimizer step (e.g. <c>new MaxNorm(3)</c>), or null.</param>
    /// <param name="biasConstraint">The bias's projection after each optimizer step, or null.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public Dense(int units, string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform",
        string biasInitializer = "zeros", Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
        Units = Check.Positive(units, nameof(units));
        Activation = Activations.Activations.Resolve(activation);
        UseBias = useBias;
        KernelInitializer = Initializers.Resolve(kernelInitializer, nameof(kernelInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
    }

    /// <summary>Output size.</summary>
    public int Units { get; }
    /// <summary>The activation's name ("linear" for none).</summary>
    public string Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>The kernel initializer's name.</summary>
    public string KernelInitializer { get; }
    /// <summary>The bias initializer's name.</summary>
    public string BiasInitializer { get; }

    /// <summary>The kernel's penalty in the loss, or null.</summary>
    public Regularizer? KernelRegularizer { get; }
    /// <summary>The bias's penalty in the loss, or null.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>The kernel's constraint, or null.</summary>
    public Constraint? KernelConstraint { get; }
    /// <summary>The bias's constraint, or null.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>The kernel, stored as [units, input features] (TorchSharp's layout).</summary>
    public Weight Kernel => _kernel ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");
    /// <summary>The bias [units], or null without one.</summary>
    public Weight? Bias => _bias;

    /// <inheritdoc/>
    protected override string? ActivationName => Activation;
    /// <inheritdoc/>
    protected override bool Autocasts => true;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        int inFeatures = inputShape[-1];
        _kernel = AddWeight("kernel", new long[] { Units, inFeatures }, KernelInitializer, inFeatures, Units,
            regularizer: KernelRegularizer, constraint: KernelConstraint);
        _kernel.Layout = KerasWeightLayout.Transposed;
        if (UseBias) _bias = AddWeight("bias", new long[] { Units }, BiasInitializer, inFeatures, Units,
            regularizer: BiasRegularizer, constraint: BiasConstraint);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var dims = inputShape.ToArray();
        dims[^1] = Units;
        return new Shape(dims);
    }

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor inputs, Tensor? mask, bool training)
    {
        if (inputs.is_floating_point())                     // the common case: no scope, no cast
            return nn.functional.linear(inputs, ComputeValue(Kernel), _bias is null ? null : ComputeValue(_bias));
        using var x = FloatInputs(inputs);                  // integer inputs are cast, as in Keras
        return nn.functional.linear(x, Kernel.Value, _bias?.Value);
    }

    /// <summary>Dense applies per time step, so a [batch, time, features] input's mask passes through (as in Keras).</summary>
    public override bool SupportsMasking => true;

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("units", Units).Set("activation", Activation).Set("use_bias", UseBias)
        .Set("kernel_initializer", KernelInitializer).Set("bias_initializer", BiasInitializer)
        .Set("kernel_regularizer", KernelRegularizer?.ToJson()).Set("bias_regularizer", BiasRegularizer?.ToJson())
        .Set("kernel_constraint", KernelConstraint?.ToJson()).Set("bias_constraint", BiasConstraint?.ToJson());
}
