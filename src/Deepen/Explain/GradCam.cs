using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al., 2017): each channel of the target layer is weighed by the mean gradient of the class
/// score over its positions; the map is ReLU(Σₖ wₖ Aₖ), upsampled to the input. Coarse (the layer's resolution) but
/// class-discriminative.
/// </summary>
/// <example><code>
/// using var e = new GradCam(model).Explain(image, "dog");
/// e.SaveOverlay("dog-gradcam.png");
/// </code></example>
public sealed class GradCam : CamExplainer
{
    /// <summary>A Grad-CAM explainer for <paramref name="model"/> (target layer from <see cref="ExplainOptions.Layer"/> or automatic).</summary>
    public GradCam(Model model, ExplainOptions? options = null) : base(model, options) { }

    /// <inheritdoc/>
    public override string Method => "gradcam";

    private protected override Tensor Attribute(Tensor x, int target)
    {
        var (a, g) = ActivationAndGradient(x, target);
        using (a)
        using (g)
        using (var weights = g.mean(new long[] { 1, 2 }, keepdim: true))
            return WeightedSum(a, weights);
    }
}
