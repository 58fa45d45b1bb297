using Deepen.Layers;
using Deepen.Models;

namespace Deepen.Explain;

/// <summary>Finds the layer a CAM method weighs: by name, or the last convolution block.</summary>
internal static class TargetLayers
{
    /// <summary>Whether <paramref name="layer"/> outputs (batch, height, width, channels).</summary>
    public static bool IsSpatial(Layer layer) => layer.OutputShape is { Rank: 3 };

    /// <summary>Whether <paramref name="layer"/> is a convolution (its class name says so: Conv2D, DepthwiseConv2D, …).</summary>
    public static bool IsConvolution(Layer layer) => layer.ClassName.Contains("Conv", StringComparison.Ordinal) && IsSpatial(layer);

    /// <summary>The layer named <paramref name="name"/> (which must have a 4-D output), or the automatic choice.</summary>
    public static Layer Resolve(Model model, string? name, string argument)
    {
        if (name is not null) return Named(model, name, argument);
        return LastConvolutionBlock(model) ?? throw new ArgumentException(
            $"Model \"{model.Name}\" has no convolution layer, so class activation maps (Grad-CAM, Grad-CAM++, Score-CAM) do not apply; "
            + "use Saliency or SmoothGrad, or name a layer with a 4-D output (batch, height, width, channels). Layers: "
            + string.Join(", ", model.Layers.Select(l => $"{l.Name} ({l.ClassName})")) + ".", argument);
    }

    /// <summary>The layer named <paramref name="name"/>, which must have a 4-D output.</summary>
    public static Layer Named(Model model, string name, string argument)
    {
        var layer = model.Layers.FirstOrDefault(l => l.Name == name)
            ?? throw new ArgumentException(
                $"Invalid value received for argument `{argument}`. Expected the name of a layer of model \"{model.Name}\": "
                + string.Join(", ", model.Layers.Select(l => $"\"{l.Name}\"")) + $". Received: {argument}=\"{name}\"", argument);
        if (!IsSpatial(layer))
            throw new ArgumentException(
                $"Invalid value received for argument `{argument}`. Expected a layer with a 4-D output (batch, height, width, channels), such as "
                + string.Join(", ", model.Layers.Where(IsSpatial).Select(l => $"\"{l.Name}\"").DefaultIfEmpty("(none in this model)"))
                + $". Received: {argument}=\"{name}\", whose output shape is {layer.OutputShape?.ToBatchString() ?? "unknown"}", argument);
        return layer;
    }

    /// <summary>
    /// The last convolution layer, moved forward over the layers right after it that keep a 4-D output of the same
    /// height and width (batch normalization, activation, dropout); null when the model has no convolution.
    /// </summary>
    public static Layer? LastConvolutionBlock(Model model)
    {
        var layers = model.Layers;
        int conv = -1;
        for (int i = 0; i < layers.Count; i++) if (IsConvolution(layers[i])) conv = i;
        if (conv < 0) return null;
        var shape = layers[conv].OutputShape!;
        int chosen = conv;
        for (int i = conv + 1; i < layers.Count - 1; i++)
        {
            var s = layers[i].OutputShape;
            if (s is not { Rank: 3 } || s[0] != shape[0] || s[1] != shape[1]) break;
            chosen = i;
        }
        return layers[chosen];
    }
}
