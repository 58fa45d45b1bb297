using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;

namespace Deepen.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum and Nesterov momentum, as Keras's SGD
/// (keras/src/optimizers/sgd.py). With a constant learning rate Keras's m = μ·m - lr·g; w += m (Nesterov:
/// w += μ·m - lr·g) equals LibTorch's b = μ·b + g; w -= lr·b (Nesterov: w -= lr·(g + μ·b)), so LibTorch's SGD runs
/// it. As in Keras, <c>nesterov: true</c> with momentum 0 is plain SGD, and weight decay is decoupled
/// (w -= lr·wd·w), not LibTorch's L2 term.
/// </summary>
/// <example><code>model.Compile(new SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), "mse");</code></example>
public sealed class SGD : Optimizer
{
    /// <summary>Keras's <c>keras.optimizers.SGD</c>; the arguments after <paramref name="weightDecay"/> are Keras's base optimizer arguments.</summary>
    public SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false, double? weightDecay = null,
        double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null)
        : base(learningRate, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency)
    {
        // Keras: "`momentum` must be a float between [0, 1]."
        Momentum = Check.Fraction(momentum, nameof(momentum), allowOne: true);
        Nesterov = nesterov;
    }

    /// <summary>The momentum (0 for plain SGD).</summary>
    public double Momentum { get; }
    /// <summary>Whether Nesterov momentum is used (no effect when the momentum is 0, as in Keras).</summary>
    public bool Nesterov { get; }
    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <inheritdoc/>
    protected override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        torch.optim.SGD(parameters, learningRate, Momentum, 0, 0, Nesterov && Momentum > 0);

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => BaseConfig(new LayerConfig().Set("learning_rate", LearningRate)
        .Set("momentum", Momentum).Set("nesterov", Nesterov));

    internal static Optimizer FromConfig(LayerConfig c)
    {
        var b = ReadBase(c);
        // Files written before the base arguments existed stored weight_decay 0.0 (LibTorch's L2 term, unused by default).
        return new SGD(c.GetDouble("learning_rate"), c.GetDouble("momentum"), c.GetBool("nesterov"), b.WeightDecay is 0 ? null : b.WeightDecay,
            b.Clipnorm, b.Clipvalue, b.GlobalClipnorm, b.UseEma, b.EmaMomentum, b.EmaOverwriteFrequency);
    }
}
