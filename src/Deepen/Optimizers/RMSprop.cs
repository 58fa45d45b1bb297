using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;

namespace Deepen.Optimizers;

/// <summary>
/// RMSprop, with Keras's defaults (learning rate 0.001, ρ 0.9, ε 1e-7) and Keras's formula
/// (keras/src/optimizers/rmsprop.py): v = ρ·v + (1-ρ)·g²; w -= lr·g / √(v + ε) — ε <em>inside</em> the square root,
/// where PyTorch adds it outside (g / (√v + ε)). No choice of LibTorch's ε gives Keras's update, so the step is
/// Keras's, written with tensor ops over LibTorch's RMSprop state (same state layout, so saved states load).
/// Centered: √(v - ḡ² + ε); momentum: m = μ·m + lr·g/√(…); w -= m (Keras keeps the learning rate inside m).
/// </summary>
/// <example><code>model.Compile(new RMSprop(learningRate: 1e-4), "binary_crossentropy");</code></example>
public sealed class RMSprop : Optimizer
{
    /// <summary>Keras's <c>keras.optimizers.RMSprop</c>; the arguments after <paramref name="centered"/> are Keras's base optimizer arguments.</summary>
    public RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null)
        : base(learningRate, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency)
    {
        Rho = Check.Fraction(rho, nameof(rho), allowOne: true);
        Momentum = Check.Fraction(momentum, nameof(momentum), allowOne: true);
        Epsilon = Check.Positive(epsilon, nameof(epsilon));
        Centered = centered;
    }

    /// <summary>The discounting factor of the squared gradients' average.</summary>
    public double Rho { get; }
    /// <summary>The momentum (0 for none).</summary>
    public double Momentum { get; }
    /// <summary>Keras's ε, added under the square root.</summary>
    public double Epsilon { get; }
    /// <summary>Whether gradients are normalized by their estimated variance.</summary>
    public bool Centered { get; }
    /// <inheritdoc/>
    public override string Name => "rmsprop";

    /// <inheritdoc/>
    protected override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        new KerasRMSprop(parameters, learningRate, Rho, Epsilon, Momentum, Centered);

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => BaseConfig(new LayerConfig().Set("learning_rate", LearningRate)
        .Set("rho", Rho).Set("momentum", Momentum).Set("epsilon", Epsilon).Set("centered", Centered));

    internal static Optimizer FromConfig(LayerConfig c)
    {
        var b = ReadBase(c);
        return new RMSprop(c.GetDouble("learning_rate"), c.GetDouble("rho"), c.GetDouble("momentum"), c.GetDouble("epsilon"),
            c.GetBool("centered"), b.WeightDecay, b.Clipnorm, b.Clipvalue, b.GlobalClipnorm, b.UseEma, b.EmaMomentum, b.EmaOverwriteFrequency);
    }

    /// <summary>LibTorch's RMSprop state and options with Keras's update step.</summary>
    sealed class KerasRMSprop(IEnumerable<Parameter> parameters, double lr, double rho, double eps, double momentum, bool centered)
        : RMSProp(parameters, lr, rho, eps, 0, momentum, centered)
    {
        public override torch.Tensor step(Func<torch.Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var o = group.Options;
            double rho = o.alpha!.Value, eps = o.eps!.Value, momentum = o.momentum!.Value, lr = o.LearningRate!.Value;
            foreach (var param in group.Parameters)
            {
                var grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                state.step += 1;
                state.square_avg.mul_(rho).addcmul_(grad, grad, value: 1 - rho);
                var denominator = o.centered!.Value
                    ? state.square_avg.addcmul(state.grad_avg.mul_(rho).add_(grad, alpha: 1 - rho), state.grad_avg, value: -1).add_(eps)
                    : state.square_avg.add(eps);
                var increment = grad.mul(lr).div_(denominator.sqrt_());
                if (momentum > 0)
                {
                    state.momentum_buffer.mul_(momentum).add_(increment);
                    param.sub_(state.momentum_buffer);
                }
                else param.sub_(increment);
            }
        }, closure);
    }
}
