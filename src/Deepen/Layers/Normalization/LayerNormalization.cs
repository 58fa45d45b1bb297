using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Normalizes each sample over its last axis to mean 0 and variance 1, then scales by <c>gamma</c> and shifts by
/// <c>beta</c>, as Keras's LayerNormalization (Ba et al., 2016): <c>y = (x − mean) / sqrt(var + epsilon) · gamma + beta</c>,
/// with the biased variance. Unlike BatchNormalization it behaves the same in training and inference. Only the
/// last axis (Keras's default <c>axis=-1</c>) is supported. Masks pass through.
/// </summary>
/// <example><code>new LayerNormalization(epsilon: 1e-6)</code></example>
public sealed class LayerNormalization : Layer
{
    Weight? _gamma, _beta;

    /// <param name="axis">The axis to normalize: -1 (the last), the only one supported.</param>
    /// <param name="epsilon">Added to the variance; Keras's default 1e-3.</param>
    /// <param name="center">Add the learned offset beta.</param>
    /// <param name="scale">Multiply by the learned gamma.</param>
    /// <param name="betaInitializer">Initializer of beta.</param>
    /// <param name="gammaInitializer">Initializer of gamma.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public LayerNormalization(int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true,
        string betaInitializer = "zeros", string gammaInitializer = "ones", string? name = null, Shape? inputShape = null)
        : base(name, inputShape)
    {
        Axis = axis == -1 ? axis : throw Check.Invalid(nameof(axis), axis, "-1 (the last axis; other axes are not supported)");
        Epsilon = Check.Positive(epsilon, nameof(epsilon));
        Center = center;
        Scale = scale;
        BetaInitializer = Initializers.Resolve(betaInitializer, nameof(betaInitializer));
        GammaInitializer = Initializers.Resolve(gammaInitializer, nameof(gammaInitializer));
    }

    /// <summary>The normalized axis: always -1, the last (Keras's default <c>axis=-1</c>).</summary>
    public int Axis { get; }
    /// <summary>The small constant added to the variance (Keras's default 1e-3).</summary>
    public double Epsilon { get; }
    /// <summary>Whether the learned offset <see cref="Beta"/> is added (Keras's <c>center</c>, default true).</summary>
    public bool Center { get; }
    /// <summary>Whether the learned scale <see cref="Gamma"/> multiplies the result (Keras's <c>scale</c>, default true).</summary>
    public bool Scale { get; }
    /// <summary>The initializer name of beta (Keras's <c>beta_initializer</c>, default <c>"zeros"</c>).</summary>
    public string BetaInitializer { get; }
    /// <summary>The initializer name of gamma (Keras's <c>gamma_initializer</c>, default <c>"ones"</c>).</summary>
    public string GammaInitializer { get; }
    /// <summary>The scale, [features], or null without <see cref="Scale"/>.</summary>
    public Weight? Gamma => _gamma;
    /// <summary>The offset, [features], or null without <see cref="Center"/>.</summary>
    public Weight? Beta => _beta;

    /// <inheritdoc/>
    public override bool SupportsMasking => true;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        int features = inputShape[-1];
        if (Scale) _gamma = AddWeight("gamma", new long[] { features }, GammaInitializer, features, features);
        if (Center) _beta = AddWeight("beta", new long[] { features }, BetaInitializer, features, features);
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var x = FloatInputs(inputs);
        return nn.functional.layer_norm(x, new[] { x.shape[^1] }, _gamma?.Value, _beta?.Value, Epsilon);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("axis", Axis).Set("epsilon", Epsilon).Set("center", Center).Set("scale", Scale)
        .Set("beta_initializer", BetaInitializer).Set("gamma_initializer", GammaInitializer);
}
