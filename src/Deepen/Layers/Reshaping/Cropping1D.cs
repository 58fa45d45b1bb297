using System.Text.Json.Nodes;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Removes steps at the start and end of sequences, as Keras's <c>Cropping1D</c>
/// (keras/src/layers/reshaping/cropping1d.py): (batch, steps, features) → (batch, steps − start − end, features).
/// </summary>
/// <example><code>new Cropping1D((1, 2))   // one step off the start, two off the end</code></example>
public sealed class Cropping1D : Layer
{
    /// <summary>The same number of steps off both ends (Keras's <c>cropping=1</c>).</summary>
    /// <param name="cropping">Steps cut at each end; Keras's default is 1.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, features), for the first layer of a model.</param>
    public Cropping1D(int cropping = 1, string? name = null, Shape? inputShape = null) : this((cropping, cropping), name, inputShape) { }

    /// <summary>Steps cut at the start and at the end (Keras's <c>cropping=(start, end)</c>).</summary>
    /// <param name="cropping">(start, end).</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, features), for the first layer of a model.</param>
    public Cropping1D((int Start, int End) cropping, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        if (cropping.Start < 0 || cropping.End < 0)
            throw Check.Invalid(nameof(cropping), $"({cropping.Start}, {cropping.End})", "non-negative integers (start, end)");
        Start = cropping.Start;
        End = cropping.End;
    }

    /// <summary>Steps cut at the start.</summary>
    public int Start { get; }
    /// <summary>Steps cut at the end.</summary>
    public int End { get; }

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape[0] > Start + End
        ? new(inputShape[0] - Start - End, inputShape[1])
        : throw new ArgumentException(
            $"`cropping` parameter of `Cropping1D` layer must be smaller than the input length. Received: input_shape={inputShape.ToBatchString()}, cropping=({Start}, {End})");

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (inputs.shape[1] <= Start + End) ComputeOutputShape(new Shape((int)inputs.shape[1], (int)inputs.shape[2]));
        return inputs.narrow(1, Start, inputs.shape[1] - Start - End);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig().Set("cropping", new JsonArray(Start, End));

    /// <summary>Rebuilds the layer from Keras's config: <c>cropping</c> as an int or [start, end].</summary>
    internal static Layer FromConfig(LayerConfig c)
    {
        if (!c.Has("cropping")) return new Cropping1D();
        var node = c.Json["cropping"]!;
        try
        {
            if (node is not JsonArray a) return new Cropping1D(node.GetValue<int>());
            if (a.Count == 2) return new Cropping1D((a[0]!.GetValue<int>(), a[1]!.GetValue<int>()));
        }
        catch (InvalidOperationException) { }
        throw new FormatException($"Cropping1D: argument `cropping` cannot be {node.ToJsonString()}; expected an int or [start, end].");
    }
}
