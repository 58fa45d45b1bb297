using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// The base of the class-activation-map methods: they weigh the channels of one layer's activations A (rows × cols ×
/// channels, the layer in <see cref="Explainer.Layer"/>) and return ReLU(Σₖ wₖ Aₖ). Subclasses say how the weights
/// wₖ are found.
/// </summary>
public abstract class CamExplainer : Explainer
{
    private protected CamExplainer(Model model, ExplainOptions? options) : base(model, options, usesLayer: true) { }

    /// <summary>The activations of the target layer and the gradient of the class score with respect to them.</summary>
    private protected (Tensor Activation, Tensor Gradient) ActivationAndGradient(Tensor x, int target)
    {
        using var grad = enable_grad();
        using var input = x.detach().clone().requires_grad_(true);     // so that layers before any weight still get a graph
        var (activation, output) = Model.ForwardWithActivation(input, Layer!, logits: UsesLogits(Model));
        using (output)
        using (var score = Score(output, target).sum())
        {
            var g = autograd.grad(new[] { score }, new[] { activation }, allow_unused: true)[0];
            using var a = activation;
            var detached = a.detach().clone();
            return (detached, g is null || g.IsInvalid ? zeros_like(detached) : g.detach());
        }
    }

    /// <summary>ReLU of the weighted sum of the channels: (1, rows, cols, channels) activations, (1, 1, 1, channels) weights → (rows, cols).</summary>
    private protected static Tensor WeightedSum(Tensor activation, Tensor weights)
    {
        using var product = activation * weights;
        using var sum = product.sum(-1);
        using var relu = sum.relu();
        return relu[0].clone();
    }
}
