using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Saving.WeightFiles;

/// <summary>
/// One <c>LoadWeights</c> call: the model's layers with weights, shape checks with Keras's messages, and
/// <c>skipMismatch</c>'s record of what it skipped. A layer is loaded whole or not at all.
/// </summary>
internal sealed class WeightLoad
{
    readonly List<string> _skipped = new();

    public WeightLoad(Model model, bool skipMismatch, string format)
    {
        if (!model.Built)
            throw new InvalidOperationException(
                $"Model \"{model.Name}\" is not built yet, so it has no weights to load into. Give its first layer an inputShape, call model.Build(shape), or run it on data first.");
        Model = model;
        SkipMismatch = skipMismatch;
        Format = format;
        Layers = model.Layers.Where(l => l is not Input && l.Weights.Count > 0).ToList();
    }

    public Model Model { get; }
    public bool SkipMismatch { get; }
    /// <summary>"Keras" or "PyTorch": whose layout the file holds.</summary>
    public string Format { get; }
    /// <summary>The model's layers that have weights, in order (Keras's filtered layers).</summary>
    public IReadOnlyList<Layer> Layers { get; }
    /// <summary>What <c>skipMismatch</c> skipped, one message per layer.</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    public IReadOnlyList<MappedWeight> Map(Layer layer) => WeightLayout.Map(layer, WeightLayout.FlattenedInput(Model, layer), Format);

    /// <summary>Raises the error, or records it and returns when <see cref="SkipMismatch"/>.</summary>
    public void Mismatch(string message)
    {
        if (!SkipMismatch) throw new ArgumentException(message);
        _skipped.Add(message);
    }

    /// <summary>
    /// Checks the saved values of one layer (in the file's layout and the layer's weight order) and assigns them,
    /// converted to Deepen's layout; on a count or shape mismatch raises an error naming the layer, the expected and
    /// the found shape, or skips the whole layer when <see cref="SkipMismatch"/>. The values are disposed.
    /// </summary>
    public void Assign(int index, Layer layer, string nameInFile, IReadOnlyList<Tensor> values)
    {
        try
        {
            var mapped = Map(layer);
            string where = nameInFile == layer.Name ? $"layer #{index} (named {layer.Name})"
                : $"layer #{index} (named {layer.Name} in the current model, {nameInFile} in the file)";
            if (mapped.Count != values.Count)
            {
                Mismatch($"Weight count mismatch for {where}. Layer expects {mapped.Count} weight(s) ({string.Join(", ", mapped.Select(m => m.Weight.Name))}). Received {values.Count} saved weight(s).");
                return;
            }
            bool keras = Format == "Keras";
            for (int i = 0; i < mapped.Count; i++)
            {
                var expected = keras ? mapped[i].KerasShape : mapped[i].TorchShape;
                if (!expected.SequenceEqual(values[i].shape))
                {
                    Mismatch($"Shape mismatch in {where} for weight {mapped[i].Weight.Name}. Weight expects shape {Text(expected)} " +
                             $"({Format} layout{LayoutHint(layer, keras)}). Received saved weight with shape {Text(values[i].shape)}.");
                    return;
                }
            }
            using var _ = no_grad();
            for (int i = 0; i < mapped.Count; i++)
            {
                using var value = values[i].dtype == ScalarType.Float32 ? values[i].alias() : values[i].to(ScalarType.Float32);
                using var converted = keras ? mapped[i].FromKeras(value) : mapped[i].FromTorch(value);
                mapped[i].Weight.Assign(converted);
            }
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    static string LayoutHint(Layer layer, bool keras) => (layer, keras) switch
    {
        (Dense, true) => ": kernel (input, units)",
        (Dense, false) => ": weight (units, input)",
        (Conv2D, true) => ": kernel (kh, kw, in, filters)",
        (Conv2D, false) => ": weight (filters, in, kh, kw)",
        (Conv1D, true) => ": kernel (k, in, filters)",
        (Conv1D, false) => ": weight (filters, in, k)",
        _ => "",
    };

    /// <summary>A shape as Keras prints it: (3, 4), (5,), ().</summary>
    public static string Text(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}
