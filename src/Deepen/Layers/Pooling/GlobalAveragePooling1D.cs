using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The mean over time of each feature, as Keras's GlobalAveragePooling1D: (batch, steps, features) → (batch, features).
/// Mask-aware: with a mask (e.g. from <c>Embedding(maskZero: true)</c>) only the real steps are averaged, so padding
/// does not dilute the mean. A sequence with no real step gives zeros (Keras would divide by zero).
/// </summary>
/// <example><code>
/// // A bag-of-words classifier: the mean of the word vectors.
/// new Sequential(new Embedding(10000, 16, maskZero: true), new GlobalAveragePooling1D(), new Dense(1, "sigmoid"));
/// </code></example>
public sealed class GlobalAveragePooling1D : Layer
{
    /// <param name="keepDims">Keep the time axis with length 1.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, features), for the first layer of a model.</param>
    public GlobalAveragePooling1D(bool keepDims = false, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        KeepDims = keepDims;
    }

    /// <summary>Whether the time axis is kept with length 1: (batch, 1, features) (Keras's <c>keepdims</c>, default false).</summary>
    public bool KeepDims { get; }
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(inputs, null, training);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training)
    {
        using var scope = NewDisposeScope();
        var x = FloatInputs(inputs);
        if (mask is null) return x.mean(new long[] { 1 }, keepdim: KeepDims).MoveToOuterDisposeScope();
        var m = mask.to_type(x.dtype).unsqueeze(-1);                       // [batch, steps, 1]
        var sums = (x * m).sum(1, keepdim: KeepDims);
        var counts = m.sum(1, keepdim: KeepDims).clamp_min(1);
        return (sums / counts).MoveToOuterDisposeScope();
    }

    /// <summary>The time axis is gone, and with it the mask.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => null;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => KeepDims ? new Shape(1, inputShape[1]) : new Shape(inputShape[1]);
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("keep_dims", KeepDims);
}
