using Deepen.Layers;
using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;

namespace Deepen.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum and Nesterov momentum, as Keras's SGD.</summary>
/// <example><code>model.Compile(new SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), "mse");</code></example>
public sealed class SGD : Optimizer
{
    public SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false, double weightDecay = 0.0) : base(learningRate)
    {
        Momentum = Check.NonNegative(momentum, nameof(momentum));
        if (nesterov && momentum == 0) throw Check.Invalid(nameof(momentum), momentum, "a positive momentum when nesterov=true");
        Nesterov = nesterov;
        WeightDecay = Check.NonNegative(weightDecay, nameof(weightDecay));
    }

    public double Momentum { get; }
    public bool Nesterov { get; }
    public double WeightDecay { get; }
    public override string Name => "sgd";

    protected override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        torch.optim.SGD(parameters, learningRate, Momentum, 0, WeightDecay, Nesterov);

    public override LayerConfig GetConfig() => new LayerConfig().Set("learning_rate", LearningRate)
        .Set("momentum", Momentum).Set("nesterov", Nesterov).Set("weight_decay", WeightDecay);

    internal static Optimizer FromConfig(LayerConfig c) => new SGD(c.GetDouble("learning_rate"), c.GetDouble("momentum"),
        c.GetBool("nesterov"), c.GetDouble("weight_decay"));
}
