using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// SmoothGrad (Smilkov et al., 2017): the vanilla saliency map averaged over
/// <see cref="ExplainOptions.SmoothGradSamples"/> copies of the image with Gaussian noise of standard deviation
/// <see cref="ExplainOptions.SmoothGradNoise"/> × (max − min of the image). Sharper and less noisy than
/// <see cref="Saliency"/>; seeded by <see cref="ExplainOptions.Seed"/>.
/// </summary>
/// <example><code>using var e = new SmoothGrad(model, new ExplainOptions { SmoothGradSamples = 50 }).Explain(image);</code></example>
public sealed class SmoothGrad : Saliency
{
    /// <summary>A SmoothGrad explainer for <paramref name="model"/>.</summary>
    public SmoothGrad(Model model, ExplainOptions? options = null) : base(model, options) { }

    /// <inheritdoc/>
    public override string Method => "smoothgrad";

    private protected override Tensor Attribute(Tensor x, int target)
    {
        using var scope = NewDisposeScope();
        double range = x.max().item<float>() - x.min().item<float>();
        double sigma = Options.SmoothGradNoise * (range > 0 ? range : 1);
        var generator = new Generator((ulong)Options.Seed, x.device);
        var sum = zeros(x.shape[1], x.shape[2], device: x.device);
        for (int done = 0; done < Options.SmoothGradSamples; done += Options.BatchSize)
        {
            int n = Math.Min(Options.BatchSize, Options.SmoothGradSamples - done);
            var noise = randn(new long[] { n, x.shape[1], x.shape[2], x.shape[3] }, generator: generator, device: x.device) * sigma;
            var noisy = x + noise;
            sum += InputGradientMap(noisy, target).sum(new long[] { 0 });
        }
        return (sum / Options.SmoothGradSamples).MoveToOuterDisposeScope();
    }
}
