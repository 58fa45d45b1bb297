using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Models;

public partial class Model
{
    /// <summary>
    /// Runs the model (inference mode) and returns both the output of <paramref name="layer"/> and the model's output,
    /// for the explainers in <c>Deepen.Explain</c>. The activation stays in the autograd graph, so gradients of the
    /// output with respect to it can be taken (<c>torch.autograd.grad</c>). The caller owns both tensors.
    /// Model types other than <see cref="Sequential"/> override this to walk their own graph.
    /// </summary>
    /// <param name="x">An input batch on the model's device, Keras layout.</param>
    /// <param name="layer">One of <see cref="Layers"/>.</param>
    /// <param name="logits">Leave out the final sigmoid/softmax of the output.</param>
    internal virtual (Tensor Activation, Tensor Output) ForwardWithActivation(Tensor x, Layer layer, bool logits)
    {
        if (_graph is not null) return ForwardWithActivationFunctional(x, layer, logits);
        if (this is not Sequential)
            throw new NotSupportedException($"Model \"{Name}\" ({GetType().Name}) does not expose the outputs of its inner layers.");
        var layers = Layers;
        int target = -1;
        for (int i = 0; i < layers.Count; i++) if (ReferenceEquals(layers[i], layer)) target = i;
        if (target < 0) throw new ArgumentException($"Layer \"{layer.Name}\" is not a layer of model \"{Name}\".", nameof(layer));
        using var scope = NewDisposeScope();
        Tensor h = x, activation = x;
        Tensor? mask = null;
        for (int i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            Tensor next = i == layers.Count - 1 && logits ? l.CallWithoutActivation(h, mask, false)
                : mask is null ? l.Call(h, false) : l.Call(h, mask, false);
            if (i < layers.Count - 1) mask = l.ComputeMask(h, mask);
            h = next;
            if (i == target) activation = h;
        }
        // The activation must be the very tensor the output was computed from (an alias would be a new node that no
        // gradient flows through); when the target is the last layer, the output is a view of it instead.
        if (ReferenceEquals(activation, h)) h = h.alias();
        return (activation.MoveToOuterDisposeScope(), h.MoveToOuterDisposeScope());
    }

    (Tensor Activation, Tensor Output) ForwardWithActivationFunctional(Tensor x, Layer layer, bool logits)
    {
        var g = _graph!;
        if (g.Inputs.Count != 1 || g.Outputs.Count != 1)
            throw new NotSupportedException($"Model \"{Name}\" has {g.Inputs.Count} inputs and {g.Outputs.Count} outputs; explanations need one of each.");
        if (!g.Layers.Contains(layer)) throw new ArgumentException($"Layer \"{layer.Name}\" is not a layer of model \"{Name}\".", nameof(layer));
        var outputs = g.Forward(new[] { x }, training: false, logits ? new[] { true } : null, layer, out var activation);
        return (activation ?? throw new ArgumentException($"Layer \"{layer.Name}\" is not called in model \"{Name}\".", nameof(layer)), outputs[0]);
    }
}
