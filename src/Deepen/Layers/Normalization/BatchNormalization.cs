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

    public double Momentum { get; }
    public double Epsilon { get; }
    public bool Center { get; }
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
        var y = nn.functional.batch_norm(x, _movingMean!.Value, _movingVariance!.Value, _gamma?.Value, _beta?.Value,
            batchStats, 1 - Momentum, Epsilon);
        var output = inputs.dim() == 2 ? y : y.movedim(new long[] { 1 }, new long[] { -1 });
        return (output.dtype == inputs.dtype ? output : output.to(inputs.dtype)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("momentum", Momentum).Set("epsilon", Epsilon).Set("center", Center).Set("scale", Scale);

}
