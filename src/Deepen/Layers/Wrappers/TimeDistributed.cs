using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Applies a layer to every time step of its input, as Keras's TimeDistributed: [batch, time, …] → the layer on each
/// [batch, …] slice (all slices at once, by folding time into the batch) → [batch, time, …output]. The weights are
/// shared across time and keep the wrapped layer's names. Masks pass through.
/// </summary>
/// <example><code>
/// // Per-frame features of a video clip: [batch, frames, 32, 32, 3] → [batch, frames, 16]
/// new TimeDistributed(new Conv2D(16, 3)), new TimeDistributed(new GlobalAveragePooling2D())
/// </code></example>
public sealed class TimeDistributed : Layer
{
    /// <param name="layer">The layer to apply at each step (unbuilt).</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(time, …), for the first layer of a model.</param>
    public TimeDistributed(Layer layer, string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Built) throw new ArgumentException($"TimeDistributed needs an unbuilt layer; \"{layer.Name}\" is already built.", nameof(layer));
        if (layer is Input or TimeDistributed or Bidirectional or RecurrentLayer)
            throw new ArgumentException($"TimeDistributed cannot wrap a {layer.ClassName} layer.", nameof(layer));
        Layer = layer;
    }

    /// <summary>The wrapped layer.</summary>
    public Layer Layer { get; }

    /// <inheritdoc/>
    public override bool SupportsMasking => true;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        if (inputShape.Rank < 2)
            throw new ArgumentException(
                $"Layer \"{Name}\" (TimeDistributed) expects inputs of at least 3 dimensions (batch, time, …); received {inputShape.ToBatchString()}.");
        if (Layer.Name.Length == 0) Layer.Name = Layer.DefaultName;
        Layer.Build(Step(inputShape));
        TrackLayer(Layer, "");
    }

    static Shape Step(Shape s) => new(s.Skip(1).ToArray());

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        new(new[] { inputShape[0] }.Concat(Layer.ComputeOutputShape(Step(inputShape))).ToArray());

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Apply(inputs, training, withActivation: true);

    internal override string? FinalActivation => Layer.FinalActivation;
    internal override Tensor CallWithoutActivation(Tensor inputs, Tensor? mask, bool training) => Apply(inputs, training, withActivation: false);

    Tensor Apply(Tensor inputs, bool training, bool withActivation)
    {
        if (inputs.dim() < 3)
            throw new ArgumentException($"Layer \"{Name}\" (TimeDistributed) expects [batch, time, …]; received ({string.Join(", ", inputs.shape)}).", nameof(inputs));
        if (!Built) Build(new Shape(inputs.shape.Skip(1).Select(d => (int)d).ToArray()));
        long batch = inputs.shape[0], steps = inputs.shape[1];
        using var scope = NewDisposeScope();
        var folded = inputs.reshape(new[] { batch * steps }.Concat(inputs.shape.Skip(2)).ToArray());
        var y = withActivation ? Layer.Call(folded, training) : Layer.CallWithoutActivation(folded, null, training);
        return y.reshape(new[] { batch, steps }.Concat(y.shape.Skip(1)).ToArray()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("layer", new JsonObject { ["class_name"] = Layer.ClassName, ["config"] = Layer.GetConfig().Json.DeepClone() });

    internal static Layer FromConfig(LayerConfig config) => new TimeDistributed(Bidirectional.WrappedLayer(config, "TimeDistributed"));
}
