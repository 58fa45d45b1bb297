using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The shared work of <see cref="MaxPooling2D"/> and <see cref="AveragePooling2D"/>: window and stride arithmetic,
/// "valid"/"same" padding and the channels-last view.
/// </summary>
public abstract class Pooling2D : Layer
{
    (long, long) _padRows, _padCols;

    /// <summary>Stores the pooling arguments; <paramref name="strides"/> defaults to <paramref name="poolSize"/>.</summary>
    protected Pooling2D(Size2? poolSize, Size2? strides, string padding, string? name, Shape? inputShape) : base(name, inputShape)
    {
        PoolSize = (poolSize ?? 2).Validate(nameof(poolSize));
        Strides = (strides ?? PoolSize).Validate(nameof(strides));
        Padding = Layers.Padding.Resolve(padding);
    }

    /// <summary>The size of the pooling window, (rows, cols) (Keras's <c>pool_size</c>, default (2, 2)).</summary>
    public Size2 PoolSize { get; }
    /// <summary>How far the window moves, (rows, cols) (Keras's <c>strides</c>; the pool size when none was given).</summary>
    public Size2 Strides { get; }
    /// <summary><c>"valid"</c> (no padding: partial windows are dropped) or <c>"same"</c> (padded so each spatial output
    /// size is <c>ceil(input / stride)</c>), as Keras's <c>padding</c>.</summary>
    public string Padding { get; }

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 3;

    /// <summary>True when "same" padding adds zeros on some side.</summary>
    protected bool Padded { get; private set; }

    /// <summary>The padding for F.pad on (N, C, H, W): left, right, top, bottom.</summary>
    protected long[] PadArgument => new[] { _padCols.Item1, _padCols.Item2, _padRows.Item1, _padRows.Item2 };

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        Layers.Padding.CheckFits(Name, inputShape, PoolSize, Padding);
        if (Padding == "same")
        {
            _padRows = Layers.Padding.Same(inputShape[0], PoolSize.Rows, Strides.Rows);
            _padCols = Layers.Padding.Same(inputShape[1], PoolSize.Cols, Strides.Cols);
            Padded = _padRows != (0, 0) || _padCols != (0, 0);
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(
        Layers.Padding.OutputLength(inputShape[0], PoolSize.Rows, Strides.Rows, Padding),
        Layers.Padding.OutputLength(inputShape[1], PoolSize.Cols, Strides.Cols, Padding),
        inputShape[2]);

    /// <summary>Pools (N, C, H, W) input.</summary>
    protected abstract Tensor Pool(Tensor nchw);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var scope = NewDisposeScope();
        var y = Pool(inputs.permute(0, 3, 1, 2));
        return y.permute(0, 2, 3, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("pool_size", PoolSize).Set("strides", Strides).Set("padding", Padding);
}
