using Deepen.Layers;
using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;

namespace Deepen.Optimizers;

/// <summary>Adam, with Keras's defaults (learning rate 0.001, β1 0.9, β2 0.999, ε 1e-7).</summary>
/// <example><code>model.Compile(new Adam(learningRate: 1e-3), "sparse_categorical_crossentropy");</code></example>
public sealed class Adam : Optimizer
{
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false)
        : base(learningRate)
    {
        Beta1 = Check.Fraction(beta1, nameof(beta1));
        Beta2 = Check.Fraction(beta2, nameof(beta2));
        Epsilon = Check.Positive(epsilon, nameof(epsilon));
        Amsgrad = amsgrad;
    }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public bool Amsgrad { get; }
    public override string Name => "adam";

    protected override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        torch.optim.Adam(parameters, learningRate, Beta1, Beta2, Epsilon, 0, Amsgrad);

    public override LayerConfig GetConfig() => new LayerConfig().Set("learning_rate", LearningRate)
        .Set("beta_1", Beta1).Set("beta_2", Beta2).Set("epsilon", Epsilon).Set("amsgrad", Amsgrad);

    internal static Optimizer FromConfig(LayerConfig c) => new Adam(c.GetDouble("learning_rate"), c.GetDouble("beta_1"),
        c.GetDouble("beta_2"), c.GetDouble("epsilon"), c.GetBool("amsgrad"));
}
