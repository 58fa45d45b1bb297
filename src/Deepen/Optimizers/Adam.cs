using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;

namespace Deepen.Optimizers;

/// <summary>
/// Adam, with Keras's defaults (learning rate 0.001, β1 0.9, β2 0.999, ε 1e-7) and Keras's formula
/// (keras/src/optimizers/adam.py): w -= lr·√(1-β2ᵗ)/(1-β1ᵗ) · m / (√v + ε), with ε added to √v <em>before</em> the bias
/// correction. PyTorch adds ε after it (m̂ / (√v̂ + ε)); LibTorch's Adam computes Keras's update exactly when its ε is
/// set to ε/√(1-β2ᵗ) at step t, which is what this class does. Weight decay, when given, is Keras's decoupled one.
/// </summary>
/// <example><code>model.Compile(new Adam(learningRate: 1e-3), "sparse_categorical_crossentropy");</code></example>
public sealed class Adam : Optimizer
{
    /// <summary>Keras's <c>keras.optimizers.Adam</c>; the arguments after <paramref name="amsgrad"/> are Keras's base optimizer arguments.</summary>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null)
        : base(learningRate, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency)
    {
        Beta1 = Check.Fraction(beta1, nameof(beta1));
        Beta2 = Check.Fraction(beta2, nameof(beta2));
        Epsilon = Check.Positive(epsilon, nameof(epsilon));
        Amsgrad = amsgrad;
    }

    /// <summary>The first moment's decay rate.</summary>
    public double Beta1 { get; }
    /// <summary>The second moment's decay rate.</summary>
    public double Beta2 { get; }
    /// <summary>Keras's ε, added to √v before the bias correction.</summary>
    public double Epsilon { get; }
    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool Amsgrad { get; }
    /// <inheritdoc/>
    public override string Name => "adam";

    /// <inheritdoc/>
    protected override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        torch.optim.Adam(parameters, learningRate, Beta1, Beta2, Epsilon, 0, Amsgrad);

    /// <inheritdoc/>
    protected override void BeforeStep(torch.optim.Optimizer optimizer, long iterations) =>
        KerasEpsilon.Set(optimizer, Epsilon, Beta2, iterations);

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => BaseConfig(new LayerConfig().Set("learning_rate", LearningRate)
        .Set("beta_1", Beta1).Set("beta_2", Beta2).Set("epsilon", Epsilon).Set("amsgrad", Amsgrad));

    internal static Optimizer FromConfig(LayerConfig c)
    {
        var b = ReadBase(c);
        return new Adam(c.GetDouble("learning_rate"), c.GetDouble("beta_1"), c.GetDouble("beta_2"), c.GetDouble("epsilon"),
            c.GetBool("amsgrad"), b.WeightDecay, b.Clipnorm, b.Clipvalue, b.GlobalClipnorm, b.UseEma, b.EmaMomentum, b.EmaOverwriteFrequency);
    }
}
