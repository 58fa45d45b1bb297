using Deepen.MixedPrecision;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Normalizes the last axis (channels) with batch statistics in training and moving averages at inference, as
/// Keras's BatchNormalization (momentum 0.99, epsilon 0.001). Gamma and beta are trainable; the moving mean and
/// variance are non-trainable weights, counted as such in <c>Summary()</c>. A frozen layer
/// (<c>Trainable = false</c>) runs in inference mode, as in Keras.
/// </summary>
/// <example><code>new BatchNormalization()</code></example>
public sealed class BatchNormalization : Layer
{
    Weight? _gamma, _beta, _movingMean, _movingVariance;

    /// <param name="momentum">Moving-average momentum (Keras convention: new = momentum·old + (1−momentum)·batch).</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Learn an offset beta.</param>
    /// <param name="scale">Learn a scale gamma.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">Input shape, for the first layer of a model.</param>
    public BatchNormalization(double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        Momentum = Check.Fraction(momentum, nameof(momentum));
        Epsilon = Check.Positive(epsilon, nameof(epsilon));
        Center = center;
        Scale = scale;
    }

    /// <summary>The momentum of the moving mean and variance: <c>new = momentum·old + (1−momentum)·batch</c> (Keras's default 0.99).</summary>
    public double Momentum { get; }
    /// <summary>The small constant added to the variance (Keras's default 1e-3).</summary>
    public double Epsilon { get; }
    /// <summary>Whether the learned offset beta is added (Keras's <c>center</c>, default true).</summary>
    public bool Center { get; }
    /// <summary>Whether the learned scale gamma multiplies the result (Keras's <c>scale</c>, default true).</summary>
    public bool Scale { get; }

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        long c = inputShape[-1];
        if (Scale) _gamma = AddWeight("gamma", new[] { c }, "ones", c, c);
        if (Center) _beta = AddWeight("beta", new[] { c }, "zeros", c, c);
        _movingMean = AddWeight("moving_mean", new[] { c }, "zeros", c, c, trainable: false);
        _movingVariance = AddWeight("moving_variance", new[] { c }, "ones", c, c, trainable: false);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var scope = NewDisposeScope();
        bool batchStats = training && Trainable;
        var input = Autocast.ToFloat32(inputs);            // statistics in float32 under a mixed policy
        var x = input.dim() == 2 ? input : input.movedim(new long[] { -1 }, new long[] { 1 });
        // In training LibTorch updates a copy of the moving variance (autograd keeps what batch_norm was given, so it
        // must not change before backward); the weight then gets Keras's update from it.
        var variance = batchStats ? _movingVariance!.Value.detach().clone() : _movingVariance!.Value;
        var y = nn.functional.batch_norm(x, _movingMean!.Value, variance, _gamma?.Value, _beta?.Value,
            batchStats, 1 - Momentum, Epsilon);
        if (batchStats) KerasVarianceUpdate(_movingVariance.Value, variance, x.numel() / x.shape[1]);
        var output = inputs.dim() == 2 ? y : y.movedim(new long[] { 1 }, new long[] { -1 });
        return (output.dtype == inputs.dtype ? output : output.to(inputs.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// LibTorch moves the variance towards the unbiased batch variance (n/(n−1)·biased), Keras towards the biased one.
    /// From LibTorch's result t = momentum·old + (1−momentum)·v·n/(n−1), Keras's value momentum·old + (1−momentum)·v
    /// is t·(1 − 1/n) + momentum·old/n: a correction over the C channels, not a second pass over the batch.
    /// </summary>
    void KerasVarianceUpdate(Tensor movingVariance, Tensor torchUpdated, long n)
    {
        using var _ = no_grad();
        if (n <= 1) { movingVariance.copy_(torchUpdated); return; }
        movingVariance.mul_(Momentum / n).add_(torchUpdated, alpha: 1 - 1.0 / n);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("momentum", Momentum).Set("epsilon", Epsilon).Set("center", Center).Set("scale", Scale);

}
