using System.Text.Json.Nodes;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Runs a recurrent layer forwards and a copy of it backwards over the sequence and merges the two outputs, as
/// Keras's Bidirectional: <c>mergeMode</c> "concat" (the default: 2 × units features), "sum", "mul" or "ave". With
/// <c>returnSequences</c> the backward outputs are put back in time order before merging, and masked steps output
/// zeros (Keras sets <c>zero_output_for_mask</c>). The backward copy has the same configuration with
/// <c>goBackwards</c> flipped and its own weights; weights are named "forward/…" and "backward/…".
/// Keras's <c>merge_mode=None</c> (a list of outputs) is not supported: Call returns one tensor.
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new Embedding(10000, 64, maskZero: true),
///     new Bidirectional(new LSTM(32)),          // output: 64 features
///     new Dense(1, activation: "sigmoid"));
/// </code></example>
public sealed class Bidirectional : Layer
{
    /// <param name="layer">The recurrent layer to run forwards; a copy runs backwards.</param>
    /// <param name="mergeMode">"concat", "sum", "mul" or "ave".</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(time, features), for the first layer of a model; the wrapped layer's is used when null.</param>
    public Bidirectional(RecurrentLayer layer, string mergeMode = "concat", string? name = null, Shape? inputShape = null)
        : base(name, inputShape ?? layer?.InputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Built) throw new ArgumentException($"Bidirectional needs an unbuilt layer; \"{layer.Name}\" is already built.", nameof(layer));
        MergeMode = Check.OneOf(mergeMode, nameof(mergeMode), "concat", "sum", "mul", "ave");
        layer.InputShape = null;
        Forward = layer;
        var config = layer.GetConfig();
        config.Json.Remove("input_shape");
        config.Set("go_backwards", !layer.GoBackwards);
        Backward = (RecurrentLayer)LayerRegistry.Create(layer.ClassName, config);
        Forward.ZeroOutputForMask = Backward.ZeroOutputForMask = layer.ReturnSequences;
    }

    /// <summary>The layer running in the wrapped layer's direction.</summary>
    public RecurrentLayer Forward { get; }
    /// <summary>The copy running in the other direction.</summary>
    public RecurrentLayer Backward { get; }
    /// <summary>How the two directions' outputs are combined: <c>"concat"</c> (default, doubling the features), <c>"sum"</c>,
    /// <c>"mul"</c> or <c>"ave"</c> (Keras's <c>merge_mode</c>).</summary>
    public string MergeMode { get; }

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        string baseName = Name.Length > 0 ? Name : DefaultName;
        Forward.Name = $"{baseName}/forward_{Forward.DefaultName}";
        Backward.Name = $"{baseName}/backward_{Backward.DefaultName}";
        Forward.Build(inputShape);
        Backward.Build(inputShape);
        TrackLayer(Forward, "forward");
        TrackLayer(Backward, "backward");
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var dims = Forward.ComputeOutputShape(inputShape).ToArray();
        if (MergeMode == "concat") dims[^1] *= 2;
        return new Shape(dims);
    }

    /// <inheritdoc/>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => Forward.ReturnSequences ? mask : null;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(inputs, null, training);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training)
    {
        var r = CallWithState(inputs, mask, training);
        foreach (var s in r.States) s.Dispose();
        return r.Output;
    }

    /// <summary>
    /// The merged output and the final states of both directions (Keras's <c>return_state=True</c>): the forward
    /// layer's states followed by the backward layer's.
    /// </summary>
    public RecurrentOutput CallWithState(Tensor inputs, Tensor? mask = null, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() != 3)
            throw new ArgumentException($"Input 0 of layer \"{Name}\" is incompatible with the layer: expected ndim=3, found ndim={inputs.dim()}.", nameof(inputs));
        if (!Built) Build(new Shape((int)inputs.shape[1], (int)inputs.shape[2]));
        using var scope = NewDisposeScope();
        var f = Forward.CallWithState(inputs, mask, null, training);
        var b = Backward.CallWithState(inputs, mask, null, training);
        var backward = Forward.ReturnSequences ? b.Output.flip(1) : b.Output;   // back into time order
        var merged = MergeMode switch
        {
            "concat" => cat(new[] { f.Output, backward }, -1),
            "sum" => f.Output + backward,
            "mul" => f.Output * backward,
            _ => (f.Output + backward) / 2,
        };
        var states = f.States.Concat(b.States).Select(s => s.MoveToOuterDisposeScope()).ToArray();
        return new RecurrentOutput(merged.MoveToOuterDisposeScope(), states);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig()
    {
        var inner = Forward.GetConfig();
        inner.Json.Remove("name");
        return base.GetConfig().Set("merge_mode", MergeMode)
            .Set("layer", new JsonObject { ["class_name"] = Forward.ClassName, ["config"] = inner.Json.DeepClone() });
    }

    internal static Layer FromConfig(LayerConfig config) =>
        new Bidirectional((RecurrentLayer)WrappedLayer(config, "Bidirectional"), config.GetStringOrNull("merge_mode") ?? "concat");

    /// <summary>Reads the "layer" entry of a wrapper's config.</summary>
    internal static Layer WrappedLayer(LayerConfig config, string wrapper)
    {
        if (config.Json["layer"] is not JsonObject o || o["class_name"]?.GetValue<string>() is not string cls || o["config"] is not JsonObject lc)
            throw new FormatException($"{wrapper} config needs \"layer\": {{\"class_name\": ..., \"config\": {{...}}}}. Received: {config.Json.ToJsonString()}");
        var layer = LayerRegistry.Create(cls, new LayerConfig(lc.DeepClone().AsObject()));
        if (wrapper == "Bidirectional" && layer is not RecurrentLayer)
            throw new FormatException($"Bidirectional wraps a recurrent layer (SimpleRNN, LSTM, GRU); the config names {cls}.");
        return layer;
    }
}
