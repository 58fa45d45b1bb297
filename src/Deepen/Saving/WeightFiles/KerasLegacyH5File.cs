using Deepen.Layers;
using Deepen.Models;
using PureHDF;
using static TorchSharp.torch;

namespace Deepen.Saving.WeightFiles;

/// <summary>
/// Keras 2's <c>.h5</c> weights (<c>model.save_weights("m.h5")</c>, or the <c>model_weights</c> group of
/// <c>model.save("m.h5")</c>), as keras/src/legacy/saving/legacy_h5_format.py reads and writes them: a
/// <c>layer_names</c> attribute, and per layer a group with a <c>weight_names</c> attribute naming its datasets
/// (<c>dense/kernel:0</c>, …), in Keras's layouts. Layers are matched in order, or by name with <c>byName</c>.
/// </summary>
internal static class KerasLegacyH5File
{
    /// <summary>Whether the group is (or holds, as <c>model_weights</c>) Keras 2's weights.</summary>
    public static bool Recognizes(IH5Group root) =>
        root.AttributeExists("layer_names") || root.AttributeExists("layer_names0") || root.LinkExists("model_weights");

    public static void Load(WeightLoad load, IH5Group root, bool byName)
    {
        if (!root.AttributeExists("layer_names") && !root.AttributeExists("layer_names0") && root.LinkExists("model_weights"))
            root = root.Group("model_weights");
        var names = Hdf5.ReadStrings(root, "layer_names");
        if (byName) LoadByName(load, root, names);
        else LoadInOrder(load, root, names);
    }

    static List<Tensor> Values(IH5Group root, string layerName) =>
        Hdf5.ReadStrings(root.Group(layerName), "weight_names")
            .Select(w => Hdf5.ReadTensor(root.Group(layerName).Dataset(w))).ToList();

    /// <summary>Keras's load_weights_from_hdf5_group: the i-th layer with weights gets the i-th saved layer with weights.</summary>
    static void LoadInOrder(WeightLoad load, IH5Group root, List<string> names)
    {
        var saved = names.Where(n => Hdf5.ReadStrings(root.Group(n), "weight_names").Count > 0).ToList();
        if (saved.Count != load.Layers.Count)
            throw new ArgumentException(
                $"Layer count mismatch when loading weights from file. Model expected {load.Layers.Count} layers, found {saved.Count} saved layers. " +
                $"Model: [{string.Join(", ", load.Layers.Select(l => l.Name))}]; file: [{string.Join(", ", saved)}]. " +
                "Pass byName: true to load the layers whose names match.");
        for (int k = 0; k < saved.Count; k++) load.Assign(k, load.Layers[k], saved[k], Values(root, saved[k]));
    }

    /// <summary>Keras's load_weights_from_hdf5_group_by_name: saved layers go to the model's layers of the same name; others are ignored.</summary>
    static void LoadByName(WeightLoad load, IH5Group root, List<string> names)
    {
        for (int k = 0; k < names.Count; k++)
        {
            var layers = load.Layers.Where(l => l.Name == names[k]).ToList();
            if (layers.Count == 0) continue;
            foreach (var layer in layers) load.Assign(k, layer, names[k], Values(root, names[k]));
        }
    }

    public static void Save(Model model, string path)
    {
        var layers = model.Layers.Where(l => l is not Input).ToList();
        var file = new H5File();
        file.Attributes["layer_names"] = layers.Select(l => l.Name).ToArray();
        file.Attributes["backend"] = "tensorflow";
        file.Attributes["keras_version"] = "2.15.0";          // the format's version: Keras 2's loaders convert files of version "1" only
        foreach (var layer in layers.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            var group = new H5Group();
            var mapped = WeightLayout.Map(layer, WeightLayout.FlattenedInput(model, layer), "Keras");
            var weightNames = mapped.Select(m => $"{layer.Name}/{m.Weight.Name}:0").ToArray();
            group.Attributes["weight_names"] = weightNames;
            using (no_grad())
                for (int i = 0; i < mapped.Count; i++)
                {
                    using var value = mapped[i].ToKeras(mapped[i].Weight.Value.detach());
                    Hdf5.Put(group, weightNames[i], Hdf5.Dataset(value));
                }
            file[layer.Name] = group;
        }
        Hdf5.Write(file, path);
    }
}
