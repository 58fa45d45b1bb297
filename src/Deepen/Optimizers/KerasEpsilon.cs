using TorchSharp;

namespace Deepen.Optimizers;

/// <summary>
/// Keras's Adam adds ε to √v before the bias correction; LibTorch adds it after. With LibTorch's ε set to
/// ε/√(1-β2ᵗ) at step t the two updates are the same:
/// lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + ε/√(1-β2ᵗ)) = lr·√(1-β2ᵗ)/(1-β1ᵗ) · m / (√v + ε).
/// </summary>
internal static class KerasEpsilon
{
    public static void Set(torch.optim.Optimizer optimizer, double epsilon, double beta2, long iterations)
    {
        double eps = epsilon / Math.Sqrt(1 - Math.Pow(beta2, iterations + 1));
        foreach (var group in optimizer.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>())
        {
            switch (group.Options)
            {
                case TorchSharp.Modules.Adam.Options a: a.eps = eps; break;
                case TorchSharp.Modules.AdamW.Options w: w.eps = eps; break;
            }
        }
    }
}
