using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The shared work of <see cref="MaxPooling1D"/> and <see cref="AveragePooling1D"/>: window and stride arithmetic,
/// "valid"/"same" padding, and the (batch, steps, channels) ↔ (batch, channels, steps) views.
/// </summary>
public abstract class Pooling1D : Layer
{
    (long Before, long After) _pad;

    /// <summary>Stores the pooling arguments; <paramref name="strides"/> defaults to <paramref name="poolSize"/>.</summary>
    protected Pooling1D(int poolSize, int? strides, string padding, string? name, Shape? inputShape) : base(name, inputShape)
    {
        PoolSize = Check.Positive(poolSize, nameof(poolSize));
        Strides = Check.Positive(strides ?? poolSize, nameof(strides));
        Padding = Layers.Padding.Resolve(padding);
    }

    /// <summary>The length of the pooling window, in steps (Keras's <c>pool_size</c>).</summary>
    public int PoolSize { get; }
    /// <summary>How far the window moves, in steps (Keras's <c>strides</c>; the pool size when none was given).</summary>
    public int Strides { get; }
    /// <summary><c>"valid"</c> (no padding: a partial last window is dropped) or <c>"same"</c> (padded so the output has
    /// <c>ceil(steps / strides)</c> steps), as Keras's <c>padding</c>.</summary>
    public string Padding { get; }

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;

    /// <summary>True when "same" padding adds steps on some side.</summary>
    protected bool Padded => _pad != (0, 0);
    /// <summary>The padding for F.pad on (N, C, L): before, after.</summary>
    protected long[] PadArgument => new[] { _pad.Before, _pad.After };

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        if (Padding == "valid" && inputShape[0] < PoolSize)
            throw new ArgumentException(
                $"Layer \"{Name}\": the window {PoolSize} is longer than the input {inputShape.ToBatchString()} with padding=\"valid\". Use a smaller poolSize, padding=\"same\", or longer sequences.");
        if (Padding == "same") _pad = Layers.Padding.Same(inputShape[0], PoolSize, Strides);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        new(Layers.Padding.OutputLength(inputShape[0], PoolSize, Strides, Padding), inputShape[1]);

    /// <summary>Pools (N, C, L) input.</summary>
    protected abstract Tensor Pool(Tensor ncl);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var scope = NewDisposeScope();
        return Pool(FloatInputs(inputs).transpose(1, 2)).transpose(1, 2).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("pool_size", PoolSize).Set("strides", Strides).Set("padding", Padding);
}
