using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// Grad-CAM++ (Chattopadhay et al., 2018): like Grad-CAM, but each position's positive gradient is weighed by
/// αᵢⱼ = g² / (2g² + Σ A · g³), which credits every instance of the class rather than the strongest one; the map is
/// ReLU(Σₖ wₖ Aₖ) with wₖ = Σᵢⱼ αᵢⱼ ReLU(gᵢⱼ).
/// </summary>
/// <example><code>using var e = new GradCamPlusPlus(model).Explain(image);</code></example>
public sealed class GradCamPlusPlus : CamExplainer
{
    /// <summary>A Grad-CAM++ explainer for <paramref name="model"/>.</summary>
    public GradCamPlusPlus(Model model, ExplainOptions? options = null) : base(model, options) { }

    /// <inheritdoc/>
    public override string Method => "gradcam++";

    private protected override Tensor Attribute(Tensor x, int target)
    {
        var (a, g) = ActivationAndGradient(x, target);
        using var scope = NewDisposeScope();
        using (a)
        using (g)
        {
            var g2 = g.pow(2);
            var g3 = g.pow(3);
            var sumA = a.sum(new long[] { 1, 2 }, keepdim: true);
            var denominator = 2 * g2 + sumA * g3;
            denominator = where(denominator.ne(0), denominator, ones_like(denominator));
            var alpha = where(g.ne(0), g2 / denominator, zeros_like(g));
            var weights = (alpha * g.relu()).sum(new long[] { 1, 2 }, keepdim: true);
            return WeightedSum(a, weights).MoveToOuterDisposeScope();
        }
    }
}
