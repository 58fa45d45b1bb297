using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The maximum over time of each feature, as Keras's GlobalMaxPooling1D: (batch, steps, features) → (batch, features).
/// Like Keras, it ignores the mask (padded steps take part in the maximum).
/// </summary>
/// <example><code>new Sequential(new Embedding(5000, 32), new Conv1D(64, 5, activation: "relu"), new GlobalMaxPooling1D(), new Dense(1, "sigmoid"));</code></example>
public sealed class GlobalMaxPooling1D : Layer
{
    /// <param name="keepDims">Keep the time axis with length 1.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, features), for the first layer of a model.</param>
    public GlobalMaxPooling1D(bool keepDims = false, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        KeepDims = keepDims;
    }

    /// <summary>Whether the time axis is kept with length 1: (batch, 1, features) (Keras's <c>keepdims</c>, default false).</summary>
    public bool KeepDims { get; }
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var x = FloatInputs(inputs);
        return x.amax(new long[] { 1 }, keepdim: KeepDims);
    }
    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => KeepDims ? new Shape(1, inputShape[1]) : new Shape(inputShape[1]);
    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("keep_dims", KeepDims);
}
