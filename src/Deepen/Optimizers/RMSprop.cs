using Deepen.Layers;
using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;

namespace Deepen.Optimizers;

/// <summary>RMSprop, with Keras's defaults (learning rate 0.001, ρ 0.9, ε 1e-7).</summary>
/// <example><code>model.Compile(new RMSprop(learningRate: 1e-4), "binary_crossentropy");</code></example>
public sealed class RMSprop : Optimizer
{
    public RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false)
        : base(learningRate)
    {
        Rho = Check.Fraction(rho, nameof(rho));
        Momentum = Check.NonNegative(momentum, nameof(momentum));
        Epsilon = Check.Positive(epsilon, nameof(epsilon));
        Centered = centered;
    }

    public double Rho { get; }
    public double Momentum { get; }
    public double Epsilon { get; }
    public bool Centered { get; }
    public override string Name => "rmsprop";

    protected override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        torch.optim.RMSProp(parameters, learningRate, Rho, Epsilon, 0, Momentum, Centered);

    public override LayerConfig GetConfig() => new LayerConfig().Set("learning_rate", LearningRate)
        .Set("rho", Rho).Set("momentum", Momentum).Set("epsilon", Epsilon).Set("centered", Centered);

    internal static Optimizer FromConfig(LayerConfig c) => new RMSprop(c.GetDouble("learning_rate"), c.GetDouble("rho"),
        c.GetDouble("momentum"), c.GetDouble("epsilon"), c.GetBool("centered"));
}
