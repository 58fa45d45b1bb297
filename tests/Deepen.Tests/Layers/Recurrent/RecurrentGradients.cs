using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Recurrent;

/// <summary>Compares autograd's gradients of a recurrent layer with central finite differences.</summary>
internal static class RecurrentGradients
{
    /// <summary>Checks d(sum(output · probe))/d(weight) for every weight and for the input.</summary>
    public static void AssertMatchFiniteDifferences(Layer layer, Tensor x)
    {
        using var probe = randn(layer.Call(x).shape);                      // a fixed random direction
        double Loss(Tensor input) { using var _ = no_grad(); using var y = layer.Call(input); return (y * probe).sum().item<float>(); }

        using var xg = x.detach().clone().requires_grad_(true);
        foreach (var w in layer.Weights) w.Value.grad?.zero_();
        using (var y = layer.Call(xg)) (y * probe).sum().backward();

        const double eps = 1e-2;
        foreach (var (name, target, grad) in layer.Weights.Select(w => (w.Name, w.Value, w.Value.grad!))
                     .Append(("inputs", xg, xg.grad!)))
        {
            var analytic = grad.flatten().data<float>().ToArray();
            var flat = target.detach().view(-1);
            for (int i = 0; i < analytic.Length; i++)
            {
                float original;
                using (no_grad()) original = flat[i].item<float>();
                using (no_grad()) flat[i] = original + eps;
                double plus = Loss(name == "inputs" ? xg.detach() : x);
                using (no_grad()) flat[i] = original - eps;
                double minus = Loss(name == "inputs" ? xg.detach() : x);
                using (no_grad()) flat[i] = original;
                double numeric = (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-3 + 2e-2 * Math.Abs(numeric),
                    $"{name}[{i}]: autograd {analytic[i]}, finite differences {numeric}");
            }
        }
    }
}
