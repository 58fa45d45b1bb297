using Deepen.Layers;
using Deepen.Models;
using PureHDF;
using static TorchSharp.torch;

namespace Deepen.Saving.WeightFiles;

/// <summary>
/// Keras 3's <c>.weights.h5</c> (<c>model.save_weights("m.weights.h5")</c>), as keras/src/saving/saving_lib.py writes it:
/// the model's own <c>vars</c> group, then one group per layer, <c>layers/&lt;class&gt;/vars/0, 1, …</c>, where
/// &lt;class&gt; is the layer's class in snake case numbered per class in layer order (<c>dense</c>, <c>dense_1</c>, …) —
/// not the layer's name — and the values are in Keras's layouts.
/// </summary>
internal static class KerasWeightsFile
{
    /// <summary>Keras's path of each layer: its class in snake case, numbered per class (saving_lib._save_container_state).</summary>
    static Dictionary<Layer, string> Paths(Model model)
    {
        var used = new Dictionary<string, int>();
        var paths = new Dictionary<Layer, string>();
        foreach (var layer in model.Layers.Where(l => l is not Input))
        {
            string name = layer.DefaultName;
            if (used.TryGetValue(name, out int n)) { used[name] = ++n; name = $"{name}_{n}"; }
            else used[name] = 0;
            paths[layer] = "layers/" + name;
        }
        return paths;
    }

    public static void Load(WeightLoad load, IH5Group root, bool byName)
    {
        if (byName)
            throw new ArgumentException(
                "Invalid value received for argument `byName`. Keras 3 .weights.h5 files address layers by class and position (layers/dense_1), " +
                "not by name, so Keras loads them in order only. Expected byName: false for this file. Received: byName=true");
        if (!root.LinkExists("layers"))
            throw new FormatException("it has no /layers group, so it is not a Keras 3 .weights.h5 file.");
        var paths = Paths(load.Model);
        for (int k = 0; k < load.Layers.Count; k++)
        {
            var layer = load.Layers[k];
            string path = paths[layer];
            var values = new List<Tensor>();
            if (root.LinkExists(path + "/vars"))
            {
                var vars = root.Group(path + "/vars");
                for (int i = 0; vars.LinkExists(i.ToString()); i++) values.Add(Hdf5.ReadTensor(vars.Dataset(i.ToString())));
            }
            load.Assign(k, layer, path, values);
        }
    }

    public static void Save(Model model, string path)
    {
        var layers = new H5Group();
        foreach (var (layer, layerPath) in Paths(model))
        {
            var vars = new H5Group();
            var mapped = WeightLayout.Map(layer, WeightLayout.FlattenedInput(model, layer), "Keras");
            using (no_grad())
                for (int i = 0; i < mapped.Count; i++)
                {
                    using var value = mapped[i].ToKeras(mapped[i].Weight.Value.detach());
                    vars[i.ToString()] = Hdf5.Dataset(value);
                }
            layers[layerPath["layers/".Length..]] = new H5Group { ["vars"] = vars };
        }
        Hdf5.Write(new H5File { ["vars"] = new H5Group(), ["layers"] = layers }, path);
    }
}
