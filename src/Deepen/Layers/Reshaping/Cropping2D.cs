using System.Text.Json.Nodes;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Removes rows and columns at the top, bottom, left and right of channels-last images, as Keras's <c>Cropping2D</c>
/// (keras/src/layers/reshaping/cropping2d.py): (batch, rows, cols, channels) → (batch, rows − top − bottom,
/// cols − left − right, channels).
/// </summary>
/// <example><code>
/// new Cropping2D(2);                        // 2 rows and columns off every side
/// new Cropping2D((2, 2), (4, 4));           // Keras's cropping=((2, 2), (4, 4))
/// </code></example>
public sealed class Cropping2D : Layer
{
    /// <summary>The same cropping on both sides of each axis: an int, or (rows, cols) as Keras's <c>cropping=(1, 2)</c>.</summary>
    /// <param name="cropping">Rows cut at top and bottom, columns cut left and right; default 0.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(rows, cols, channels), for the first layer of a model.</param>
    public Cropping2D(Size2? cropping = null, string? name = null, Shape? inputShape = null)
        : this(((cropping ?? 0).Rows, (cropping ?? 0).Rows), ((cropping ?? 0).Cols, (cropping ?? 0).Cols), name, inputShape) { }

    /// <summary>Per-side cropping, as Keras's <c>cropping=((top, bottom), (left, right))</c>.</summary>
    /// <param name="rows">Rows cut at the top and at the bottom.</param>
    /// <param name="cols">Columns cut at the left and at the right.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(rows, cols, channels), for the first layer of a model.</param>
    public Cropping2D((int Top, int Bottom) rows, (int Left, int Right) cols, string? name = null, Shape? inputShape = null)
        : base(name, inputShape)
    {
        if (rows.Top < 0 || rows.Bottom < 0 || cols.Left < 0 || cols.Right < 0)
            throw Check.Invalid("cropping", $"(({rows.Top}, {rows.Bottom}), ({cols.Left}, {cols.Right}))",
                "non-negative integers ((top, bottom), (left, right))");
        Top = rows.Top; Bottom = rows.Bottom; Left = cols.Left; Right = cols.Right;
    }

    /// <summary>Rows cut at the top.</summary>
    public int Top { get; }
    /// <summary>Rows cut at the bottom.</summary>
    public int Bottom { get; }
    /// <summary>Columns cut at the left.</summary>
    public int Left { get; }
    /// <summary>Columns cut at the right.</summary>
    public int Right { get; }

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 3;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape[0] <= Top + Bottom || inputShape[1] <= Left + Right)
            throw new ArgumentException(
                $"`cropping` parameter of `Cropping2D` layer must be smaller than the input shape. Received: inputs.shape={inputShape.ToBatchString()}, and cropping=(({Top}, {Bottom}), ({Left}, {Right}))");
        return new(inputShape[0] - Top - Bottom, inputShape[1] - Left - Right, inputShape[2]);
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (inputs.shape[1] <= Top + Bottom || inputs.shape[2] <= Left + Right)
            ComputeOutputShape(new Shape((int)inputs.shape[1], (int)inputs.shape[2], (int)inputs.shape[3]));
        return inputs[TensorIndex.Colon, TensorIndex.Slice(Top, inputs.shape[1] - Bottom), TensorIndex.Slice(Left, inputs.shape[2] - Right)];
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("cropping", new JsonArray(new JsonArray(Top, Bottom), new JsonArray(Left, Right)))
        .Set("data_format", "channels_last");

    /// <summary>Rebuilds the layer from Keras's config: <c>cropping</c> as an int, [rows, cols] or [[top, bottom], [left, right]].</summary>
    internal static Layer FromConfig(LayerConfig c)
    {
        if (c.GetStringOrNull("data_format") is string f && f != "channels_last")
            throw new FormatException($"Cropping2D: data_format \"{f}\" is not supported; Deepen images are channels_last.");
        if (!c.Has("cropping")) return new Cropping2D();
        var node = c.Json["cropping"]!;
        try
        {
            if (node is not JsonArray a) return new Cropping2D(node.GetValue<int>());
            if (a.Count == 2 && a[0] is JsonArray r && a[1] is JsonArray k && r.Count == 2 && k.Count == 2)
                return new Cropping2D((r[0]!.GetValue<int>(), r[1]!.GetValue<int>()), (k[0]!.GetValue<int>(), k[1]!.GetValue<int>()));
            if (a.Count == 2) return new Cropping2D(new Size2(a[0]!.GetValue<int>(), a[1]!.GetValue<int>()));
        }
        catch (InvalidOperationException) { }
        throw new FormatException($"Cropping2D: argument `cropping` cannot be {node.ToJsonString()}; expected an int, [rows, cols] or [[top, bottom], [left, right]].");
    }
}
