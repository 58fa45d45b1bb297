using Deepen.Utils;

namespace Deepen.Explain;

/// <summary>
/// Settings shared by the explainers (<see cref="GradCam"/>, <see cref="GradCamPlusPlus"/>, <see cref="ScoreCam"/>,
/// <see cref="Saliency"/>, <see cref="SmoothGrad"/>): the target layer, the faithfulness measurement and the noise of
/// SmoothGrad. Everything is seeded, so an explanation is repeatable.
/// </summary>
/// <example><code>
/// var options = new ExplainOptions { Layer = "conv2d_1", FaithfulnessSteps = 40 };
/// using var explanation = new GradCam(model, options).Explain(image);
/// </code></example>
public sealed record ExplainOptions
{
    /// <summary>
    /// The name of the layer whose activations the CAM methods weigh (Keras's <c>last_conv_layer_name</c>). Null:
    /// chosen automatically — the last convolution layer, or the last layer after it that keeps its 4-D output of the
    /// same height and width (a batch normalization or activation that follows it). Saliency and SmoothGrad ignore it.
    /// </summary>
    public string? Layer { get; init; }

    /// <summary>
    /// How many steps the deletion and insertion curves take from 0% to 100% of the pixels (each step removes or
    /// inserts 1/steps of them). Default 20; 0 turns the faithfulness measurement off.
    /// </summary>
    public int FaithfulnessSteps { get; init; } = 20;

    /// <summary>
    /// The value a removed pixel takes in every channel, in the model's input units (the units of the image given to
    /// <see cref="Explainer.Explain(TorchSharp.torch.Tensor, int?)"/>). Default 0: black for raw (0–255) or rescaled
    /// (0–1) pixels. Insertion starts from an image of this value.
    /// </summary>
    public double Baseline { get; init; }

    /// <summary>How many random pixel orders the random deletion and insertion curves average. Default 3.</summary>
    public int RandomOrders { get; init; } = 3;

    /// <summary>The seed of the random pixel orders and of SmoothGrad's noise. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>How many noisy copies SmoothGrad averages. Default 25.</summary>
    public int SmoothGradSamples { get; init; } = 25;

    /// <summary>SmoothGrad's noise standard deviation as a fraction of the input's value range (max − min). Default 0.15.</summary>
    public double SmoothGradNoise { get; init; } = 0.15;

    /// <summary>How many images one forward pass takes (Score-CAM's masked inputs, the faithfulness curves, SmoothGrad). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    internal void Validate()
    {
        if (Layer is { } l && string.IsNullOrWhiteSpace(l)) throw Check.Invalid(nameof(Layer), l, "a layer name, or null to choose the last convolution layer");
        if (FaithfulnessSteps < 0) throw Check.Invalid(nameof(FaithfulnessSteps), FaithfulnessSteps, "0 (off) or a positive number of steps");
        if (!double.IsFinite(Baseline)) throw Check.Invalid(nameof(Baseline), Baseline, "a finite number");
        Check.Positive(RandomOrders, nameof(RandomOrders));
        Check.Positive(SmoothGradSamples, nameof(SmoothGradSamples));
        Check.Positive(SmoothGradNoise, nameof(SmoothGradNoise));
        Check.Positive(BatchSize, nameof(BatchSize));
    }
}
