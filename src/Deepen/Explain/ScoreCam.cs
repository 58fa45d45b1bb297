using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// Score-CAM (Wang et al., 2020), without gradients: each channel of the target layer, upsampled to the input and
/// scaled to [0, 1], masks the image (image × mask); the class probability the model gives the masked image is that
/// channel's weight; the map is ReLU(Σₖ wₖ Aₖ). Costs one forward pass per channel (batched by
/// <see cref="ExplainOptions.BatchSize"/>).
/// </summary>
/// <example><code>using var e = new ScoreCam(model, new ExplainOptions { BatchSize = 64 }).Explain(image);</code></example>
public sealed class ScoreCam : CamExplainer
{
    /// <summary>A Score-CAM explainer for <paramref name="model"/>.</summary>
    public ScoreCam(Model model, ExplainOptions? options = null) : base(model, options) { }

    /// <inheritdoc/>
    public override string Method => "scorecam";

    private protected override Tensor Attribute(Tensor x, int target)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (a, output) = Model.ForwardWithActivation(x, Layer!, logits: UsesLogits(Model));
        output.Dispose();
        int height = (int)x.shape[1], width = (int)x.shape[2];
        var maps = a[0].permute(2, 0, 1).unsqueeze(1);                                    // [k, 1, rows, cols]
        var up = nn.functional.interpolate(maps, new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false);
        var flat = up.reshape(up.shape[0], -1);
        var min = flat.amin(new long[] { 1 }, keepdim: true);
        var max = flat.amax(new long[] { 1 }, keepdim: true);
        var range = max - min;
        var scaled = where(range.gt(0), (flat - min) / where(range.gt(0), range, ones_like(range)), zeros_like(flat));
        var masks = scaled.reshape(-1, height, width, 1);                                 // [k, H, W, 1]
        var masked = x * masks;                                                           // [k, H, W, C]
        var probabilities = TargetProbabilities(masked, target);
        var weights = tensor(probabilities, new long[] { 1, 1, 1, probabilities.Length }).to(a.device);
        return WeightedSum(a, weights).MoveToOuterDisposeScope();
    }
}
