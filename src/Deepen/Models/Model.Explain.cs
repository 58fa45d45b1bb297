using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Models;

public partial class Model
{
    /// <summary>
    /// Runs the model (inference mode) and returns both the output of <paramref name="layer"/> and the model's output,
    /// for the explainers in <c>Deepen.Explain</c>. The activation stays in the autograd graph, so gradients of the
    /// output with respect to it can be taken (<c>torch.autograd.grad</c>). The caller owns both tensors.
    /// Functional graphs (and <see cref="Sequential"/>, which is one) capture the layer in their own pass.
    /// </summary>
    /// <param name="x">An input batch on the model's device, Keras layout.</param>
    /// <param name="layer">One of <see cref="Layers"/>.</param>
    /// <param name="logits">Leave out the final sigmoid/softmax of the output.</param>
    internal virtual (Tensor Activation, Tensor Output) ForwardWithActivation(Tensor x, Layer layer, bool logits)
    {
        if (_graph is not null) return ForwardWithActivation(_graph, x, layer, logits);
        throw new NotSupportedException($"Model \"{Name}\" ({GetType().Name}) does not expose the outputs of its inner layers.");
    }

    private protected (Tensor Activation, Tensor Output) ForwardWithActivation(FunctionalGraph g, Tensor x, Layer layer, bool logits)
    {
        if (g.Inputs.Count != 1 || g.Outputs.Count != 1)
            throw new NotSupportedException($"Model \"{Name}\" has {g.Inputs.Count} inputs and {g.Outputs.Count} outputs; explanations need one of each.");
        if (!g.Layers.Contains(layer)) throw new ArgumentException($"Layer \"{layer.Name}\" is not a layer of model \"{Name}\".", nameof(layer));
        var outputs = g.Forward(new[] { x }, training: false, logits ? new[] { true } : null, layer, out var activation);
        return (activation ?? throw new ArgumentException($"Layer \"{layer.Name}\" is not called in model \"{Name}\".", nameof(layer)), outputs[0]);
    }
}
