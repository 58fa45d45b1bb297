using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// Vanilla saliency (Simonyan et al., 2014): the absolute gradient of the class score with respect to each input
/// pixel, the largest over the channels. Full resolution, but noisy; <see cref="SmoothGrad"/> averages it over noisy
/// copies. Works for any differentiable image classifier, convolutional or not.
/// </summary>
/// <example><code>using var e = new Saliency(model).Explain(image);</code></example>
public class Saliency : Explainer
{
    /// <summary>A saliency explainer for <paramref name="model"/> (<see cref="ExplainOptions.Layer"/> is not used).</summary>
    public Saliency(Model model, ExplainOptions? options = null) : base(model, options, usesLayer: false) { }

    /// <inheritdoc/>
    public override string Method => "saliency";

    private protected override Tensor Attribute(Tensor x, int target)
    {
        using var scope = NewDisposeScope();
        return InputGradientMap(x, target).mean(new long[] { 0 }).MoveToOuterDisposeScope();
    }

    /// <summary>|∂score/∂input| maximised over channels for each image of a batch: (batch, rows, cols).</summary>
    private protected Tensor InputGradientMap(Tensor batch, int target)
    {
        using var grad = enable_grad();
        using var input = batch.detach().clone().requires_grad_(true);
        using var output = Logits(Model, input);
        using var score = Score(output, target).sum();               // each image's score depends on that image alone
        using var g = autograd.grad(new[] { score }, new[] { input })[0];
        using var abs = g.abs();
        return abs.amax(new long[] { -1 }).detach();
    }
}
