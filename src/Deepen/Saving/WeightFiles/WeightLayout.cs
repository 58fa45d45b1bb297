using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Saving.WeightFiles;

/// <summary>
/// How one weight of a Deepen layer is named and laid out in Keras's and PyTorch's files. Deepen keeps PyTorch's
/// layouts in memory (Dense kernel (units, input), Conv2D kernel (filters, in, kh, kw)); Keras files hold Keras's
/// (Dense (input, units), Conv2D (kh, kw, in, filters), Conv1D (k, in, filters), recurrent kernels (input, gates × units)).
/// </summary>
internal sealed record MappedWeight(Weight Weight, string TorchName, Func<Tensor, Tensor> ToTorch, Func<Tensor, Tensor> FromTorch)
{
    /// <summary>The stored value in Keras's layout (the weight's own <see cref="KerasWeightLayout"/>, the one GetWeights uses).</summary>
    public Tensor ToKeras(Tensor stored) => Weight.Layout.ToKeras(stored).contiguous();

    /// <summary>A value in Keras's layout in the stored layout.</summary>
    public Tensor FromKeras(Tensor keras) => Weight.Layout.FromKeras(keras, Weight.Shape).contiguous();

    public long[] KerasShape => Weight.KerasShape;

    public long[] TorchShape => Weight.Shape;
}

/// <summary>The per-layer mapping of weights to Keras's and PyTorch's names and layouts.</summary>
internal static class WeightLayout
{
    static Tensor Same(Tensor t) => t.alias();

    /// <summary>
    /// The layer's weights with their names and layouts in other frameworks' files, in the layer's weight order.
    /// <paramref name="flattenedFrom"/> is the (…, channels) shape that a Flatten turned into this Dense layer's
    /// input, if any: PyTorch flattens channels first, Keras (and Deepen) channels last, so the kernel's input columns
    /// are permuted between the two.
    /// </summary>
    /// <exception cref="NotSupportedException">The layer has weights that cannot be mapped to <paramref name="format"/>.</exception>
    public static IReadOnlyList<MappedWeight> Map(Layer layer, Shape? flattenedFrom, string format)
    {
        var weights = layer.Weights;
        if (weights.Count == 0) return Array.Empty<MappedWeight>();
        bool torch = format is "PyTorch";
        var mapped = new List<MappedWeight>();
        foreach (var w in weights)
        {
            MappedWeight? m = (layer, w.Name) switch
            {
                (Dense, "kernel") => new(w, "weight",
                    t => flattenedFrom is null ? t.alias() : ChannelsLastToFirstColumns(t, flattenedFrom),
                    t => flattenedFrom is null ? t.alias() : ChannelsFirstToLastColumns(t, flattenedFrom)),
                (Dense or Conv1D or Conv2D, "bias") => new(w, "bias", Same, Same),
                (Conv1D or Conv2D, "kernel") => new(w, "weight", Same, Same),
                (BatchNormalization or LayerNormalization, "gamma") => new(w, "weight", Same, Same),
                (BatchNormalization or LayerNormalization, "beta") => new(w, "bias", Same, Same),
                (BatchNormalization, "moving_mean") => new(w, "running_mean", Same, Same),
                (BatchNormalization, "moving_variance") => new(w, "running_var", Same, Same),
                (Embedding or PositionEmbedding, "embeddings") => new(w, "weight", Same, Same),
                (SimpleRNN or LSTM or GRU, "kernel" or "recurrent_kernel" or "bias") when !torch => new(w, "", Same, Same),
                _ => null,
            };
            if (m is null) throw Unsupported(layer, format);
            mapped.Add(m);
        }
        return mapped;
    }

    static NotSupportedException Unsupported(Layer layer, string format)
    {
        string supported = format == "PyTorch"
            ? "Dense, Conv1D, Conv2D, BatchNormalization, LayerNormalization, Embedding and PositionEmbedding"
            : "Dense, Conv1D, Conv2D, BatchNormalization, LayerNormalization, Embedding, PositionEmbedding, SimpleRNN, LSTM and GRU";
        return new NotSupportedException(
            $"Layer \"{layer.Name}\" ({layer.ClassName}) has weights that Deepen cannot map to a {format} weight file yet; " +
            $"layers with weights it maps: {supported}. Save and load such models with Model.Save/Model.Load (.deepen files).");
    }

    /// <summary>PyTorch's flattened (channels, d1, …) columns of a Dense kernel in Keras's (d1, …, channels) order.</summary>
    static Tensor ChannelsFirstToLastColumns(Tensor kernel, Shape flattened)
    {
        long units = kernel.shape[0];
        var dims = flattened.ToArray().Select(d => (long)d).ToArray();                    // (d1, …, dk, C)
        var channelsFirst = new[] { units, dims[^1] }.Concat(dims[..^1]).ToArray();     // (units, C, d1, …, dk)
        var order = new long[] { 0 }.Concat(Enumerable.Range(2, dims.Length - 1).Select(i => (long)i)).Append(1).ToArray();
        return kernel.reshape(channelsFirst).permute(order).reshape(units, -1).contiguous();
    }

    /// <summary>The inverse of <see cref="ChannelsFirstToLastColumns"/>.</summary>
    static Tensor ChannelsLastToFirstColumns(Tensor kernel, Shape flattened)
    {
        long units = kernel.shape[0];
        var dims = flattened.ToArray().Select(d => (long)d).ToArray();
        var channelsLast = new[] { units }.Concat(dims).ToArray();                       // (units, d1, …, dk, C)
        var order = new long[] { 0, dims.Length }.Concat(Enumerable.Range(1, dims.Length - 1).Select(i => (long)i)).ToArray();
        return kernel.reshape(channelsLast).permute(order).reshape(units, -1).contiguous();
    }

    /// <summary>The rank-2+ shape a Flatten turned into <paramref name="layer"/>'s input, when it is a Dense fed by one.</summary>
    public static Shape? FlattenedInput(Models.Model model, Layer layer)
    {
        if (layer is not Dense) return null;
        Layer? producer = null;
        if (model.IsFunctional)
            producer = model.Graph.Nodes.FirstOrDefault(n => n.Layer == layer)?.Inputs.FirstOrDefault()?.Layer;
        else
        {
            int i = model.Layers.ToList().IndexOf(layer);
            if (i > 0) producer = model.Layers[i - 1];
        }
        return producer is Flatten { BuiltInputShape: { Rank: >= 2 } shape } ? shape : null;
    }
}
