using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;

namespace Deepen.Optimizers;

/// <summary>
/// Adam with decoupled weight decay, with Keras's defaults (weight decay 0.004; TorchSharp's own default is 0) and
/// Keras's formula (keras/src/optimizers/adamw.py): w -= lr·wd·w, then the Keras Adam update (ε before the bias
/// correction, see <see cref="Adam"/>).
/// </summary>
/// <example><code>model.Compile(new AdamW(learningRate: 1e-3, weightDecay: 0.01), "categorical_crossentropy");</code></example>
public sealed class AdamW : Optimizer
{
    /// <summary>Keras's <c>keras.optimizers.AdamW</c>; the arguments after <paramref name="amsgrad"/> are Keras's base optimizer arguments.</summary>
    public AdamW(double learningRate = 0.001, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-7, bool amsgrad = false, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
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
    /// <summary>The decoupled weight decay (never null for AdamW).</summary>
    public new double WeightDecay => base.WeightDecay ?? 0;
    /// <inheritdoc/>
    public override string Name => "adamw";

    // The decay is applied by the base class, as Keras does, so LibTorch's own weight decay stays 0.
    /// <inheritdoc/>
    protected override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        torch.optim.AdamW(parameters, learningRate, Beta1, Beta2, Epsilon, 0, Amsgrad);

    /// <inheritdoc/>
    protected override void BeforeStep(torch.optim.Optimizer optimizer, long iterations) =>
        KerasEpsilon.Set(optimizer, Epsilon, Beta2, iterations);

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => BaseConfig(new LayerConfig().Set("learning_rate", LearningRate)
        .Set("beta_1", Beta1).Set("beta_2", Beta2).Set("epsilon", Epsilon).Set("amsgrad", Amsgrad));

    internal static Optimizer FromConfig(LayerConfig c)
    {
        var b = ReadBase(c);
        return new AdamW(c.GetDouble("learning_rate"), b.WeightDecay ?? 0.004, c.GetDouble("beta_1"), c.GetDouble("beta_2"),
            c.GetDouble("epsilon"), c.GetBool("amsgrad"), b.Clipnorm, b.Clipvalue, b.GlobalClipnorm, b.UseEma, b.EmaMomentum, b.EmaOverwriteFrequency);
    }
}
