using System.Text.Json.Nodes;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Adds rows and columns of zeros at the top, bottom, left and right of channels-last images, as Keras's
/// <c>ZeroPadding2D</c> (keras/src/layers/reshaping/zero_padding2d.py). The padding may differ per side, which is how
/// imported ONNX convolutions with asymmetric pads (e.g. [3, 3, 2, 2]) are expressed before a "valid" Conv2D.
/// </summary>
/// <example><code>
/// new ZeroPadding2D(1);                          // one pixel on every side
/// new ZeroPadding2D((2, 1));                     // 2 rows top and bottom, 1 column left and right
/// new ZeroPadding2D((3, 2), (3, 2));             // top 3, bottom 2, left 3, right 2
/// </code></example>
public sealed class ZeroPadding2D : Layer
{
    /// <summary>The same padding on both sides of each axis: an int, or (rows, cols) as Keras's <c>padding=(1, 1)</c>.</summary>
    /// <param name="padding">Rows added at top and bottom, columns added left and right; default 1.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(rows, cols, channels), for the first layer of a model.</param>
    public ZeroPadding2D(Size2? padding = null, string? name = null, Shape? inputShape = null)
        : this(((padding ?? 1).Rows, (padding ?? 1).Rows), ((padding ?? 1).Cols, (padding ?? 1).Cols), name, inputShape) { }

    /// <summary>Per-side padding, as Keras's <c>padding=((top, bottom), (left, right))</c>.</summary>
    /// <param name="rows">Rows of zeros added at the top and at the bottom.</param>
    /// <param name="cols">Columns of zeros added at the left and at the right.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(rows, cols, channels), for the first layer of a model.</param>
    public ZeroPadding2D((int Top, int Bottom) rows, (int Left, int Right) cols, string? name = null, Shape? inputShape = null)
        : base(name, inputShape)
    {
        if (rows.Top < 0 || rows.Bottom < 0 || cols.Left < 0 || cols.Right < 0)
            throw Check.Invalid("padding", $"(({rows.Top}, {rows.Bottom}), ({cols.Left}, {cols.Right}))",
                "non-negative integers ((top, bottom), (left, right))");
        Top = rows.Top; Bottom = rows.Bottom; Left = cols.Left; Right = cols.Right;
    }

    /// <summary>Rows added above.</summary>
    public int Top { get; }
    /// <summary>Rows added below.</summary>
    public int Bottom { get; }
    /// <summary>Columns added on the left.</summary>
    public int Left { get; }
    /// <summary>Columns added on the right.</summary>
    public int Right { get; }

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 3;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        new(inputShape[0] + Top + Bottom, inputShape[1] + Left + Right, inputShape[2]);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) =>
        // (N, H, W, C): F.pad lists the last axis first.
        nn.functional.pad(inputs, new long[] { 0, 0, Left, Right, Top, Bottom });

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("padding", new JsonArray(new JsonArray(Top, Bottom), new JsonArray(Left, Right)))
        .Set("data_format", "channels_last");

    /// <summary>Rebuilds the layer from Keras's config: <c>padding</c> as an int, [rows, cols] or [[top, bottom], [left, right]].</summary>
    internal static Layer FromConfig(LayerConfig c)
    {
        if (c.GetStringOrNull("data_format") is string f && f != "channels_last")
            throw new FormatException($"ZeroPadding2D: data_format \"{f}\" is not supported; Deepen images are channels_last.");
        if (!c.Has("padding")) return new ZeroPadding2D();
        var node = c.Json["padding"]!;
        try
        {
            if (node is not JsonArray a) return new ZeroPadding2D(node.GetValue<int>());
            if (a.Count == 2 && a[0] is JsonArray r && a[1] is JsonArray k && r.Count == 2 && k.Count == 2)
                return new ZeroPadding2D((r[0]!.GetValue<int>(), r[1]!.GetValue<int>()), (k[0]!.GetValue<int>(), k[1]!.GetValue<int>()));
            if (a.Count == 2) return new ZeroPadding2D(new Size2(a[0]!.GetValue<int>(), a[1]!.GetValue<int>()));
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"ZeroPadding2D: argument `padding` cannot be {node.ToJsonString()}; expected an int, [rows, cols] or [[top, bottom], [left, right]].", e);
        }
        throw new FormatException($"ZeroPadding2D: argument `padding` cannot be {node.ToJsonString()}; expected an int, [rows, cols] or [[top, bottom], [left, right]].");
    }
}
