using Deepen.MixedPrecision;
using Deepen.Utils;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A densely connected layer: <c>activation(dot(x, kernel) + bias)</c> over the last axis, as Keras's Dense.
/// The kernel is glorot-uniform initialized and the bias zero by default.
/// </summary>
/// <example><code>new Dense(64, activation: "relu", inputShape: 784); new Dense(10, "softmax");</code></example>
public sealed class Dense : Layer
{
    readonly Func<Tensor, Tensor> _activation;
    Weight? _kernel, _bias;

    /// <param name="units">Output size.</param>
    /// <param name="activation">An activation name (relu, sigmoid, softmax, tanh, gelu, leaky_relu, linear); null = linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Kernel initializer name.</param>
    /// <param name="biasInitializer">Bias initializer name.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public Dense(int units, string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform",
        string biasInitializer = "zeros", string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Units = Check.Positive(units, nameof(units));
        Activation = Activations.Activations.Resolve(activation);
        _activation = Activations.Activations.Get(Activation);
        UseBias = useBias;
        KernelInitializer = Initializers.Resolve(kernelInitializer, nameof(kernelInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
    }

    public int Units { get; }
    public string Activation { get; }
    public bool UseBias { get; }
    public string KernelInitializer { get; }
    public string BiasInitializer { get; }

    /// <summary>The kernel, stored as [units, input features] (TorchSharp's layout).</summary>
    public Weight Kernel => _kernel ?? throw new InvalidOperationException($"Layer \"{Name}\" is not built yet.");
    public Weight? Bias => _bias;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        int inFeatures = inputShape[-1];
        _kernel = AddWeight("kernel", new long[] { Units, inFeatures }, KernelInitializer, inFeatures, Units);
        _kernel.Layout = KerasWeightLayout.Transposed;
        if (UseBias) _bias = AddWeight("bias", new long[] { Units }, BiasInitializer, inFeatures, Units);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var dims = inputShape.ToArray();
        dims[^1] = Units;
        return new Shape(dims);
    }

    internal override string? FinalActivation => Activation;
    internal override Tensor CallWithoutActivation(Tensor inputs, Tensor? mask, bool training)
    {
        if (Autocast.Dtype is null && inputs.is_floating_point())
            return nn.functional.linear(inputs, Kernel.Value, _bias?.Value);      // the common case: no scope, no cast
        using var scope = NewDisposeScope();
        var x = FloatInputs(inputs);                        // integer inputs are cast, as in Keras
        if (Autocast.Dtype is null) return nn.functional.linear(x, Kernel.Value, _bias?.Value).MoveToOuterDisposeScope();
        // mixed precision: bf16 product, float32 master weights
        return nn.functional.linear(Autocast.Cast(x), Autocast.Cast(Kernel.Value), _bias is null ? null : Autocast.Cast(_bias.Value))
            .MoveToOuterDisposeScope();
    }

    /// <summary>Dense applies per time step, so a [batch, time, features] input's mask passes through (as in Keras).</summary>
    public override bool SupportsMasking => true;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (Activation == "linear") return CallWithoutActivation(inputs, null, training);
        using var z = CallWithoutActivation(inputs, null, training);
        return Activations.Activations.IsProbability(Activation) ? _activation(Autocast.ToFloat32(z)) : _activation(z);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("units", Units).Set("activation", Activation).Set("use_bias", UseBias)
        .Set("kernel_initializer", KernelInitializer).Set("bias_initializer", BiasInitializer);

}
