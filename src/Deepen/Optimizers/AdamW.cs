using Deepen.Layers;
using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;

namespace Deepen.Optimizers;

/// <summary>
/// Adam with decoupled weight decay, with Keras's defaults (weight decay 0.004; TorchSharp's own default is 0).
/// </summary>
/// <example><code>model.Compile(new AdamW(learningRate: 1e-3, weightDecay: 0.01), "categorical_crossentropy");</code></example>
public sealed class AdamW : Optimizer
{
    public AdamW(double learningRate = 0.001, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-7, bool amsgrad = false) : base(learningRate)
    {
        WeightDecay = Check.NonNegative(weightDecay, nameof(weightDecay));
        Beta1 = Check.Fraction(beta1, nameof(beta1));
        Beta2 = Check.Fraction(beta2, nameof(beta2));
        Epsilon = Check.Positive(epsilon, nameof(epsilon));
        Amsgrad = amsgrad;
    }

    public double WeightDecay { get; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public bool Amsgrad { get; }
    public override string Name => "adamw";

    protected override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        torch.optim.AdamW(parameters, learningRate, Beta1, Beta2, Epsilon, WeightDecay, Amsgrad);

    public override LayerConfig GetConfig() => new LayerConfig().Set("learning_rate", LearningRate)
        .Set("weight_decay", WeightDecay).Set("beta_1", Beta1).Set("beta_2", Beta2).Set("epsilon", Epsilon).Set("amsgrad", Amsgrad);

    internal static Optimizer FromConfig(LayerConfig c) => new AdamW(c.GetDouble("learning_rate"), c.GetDouble("weight_decay"),
        c.GetDouble("beta_1"), c.GetDouble("beta_2"), c.GetDouble("epsilon"), c.GetBool("amsgrad"));
}
