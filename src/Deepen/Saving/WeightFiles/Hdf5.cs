using PureHDF;
using static TorchSharp.torch;

namespace Deepen.Saving.WeightFiles;

/// <summary>Reading and writing the few HDF5 things Keras's weight files hold, with PureHDF.</summary>
internal static class Hdf5
{
    /// <summary>A dataset of floats as a float32 CPU tensor of its shape.</summary>
    public static Tensor ReadTensor(IH5Dataset dataset)
    {
        var shape = dataset.Space.Dimensions.Select(d => (long)d).ToArray();
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint)
            throw new FormatException($"dataset \"{dataset.Name}\" holds {dataset.Type.Class} values, not floating-point weights.");
        if (dataset.Type.Size == 8) return tensor(dataset.Read<double[]>(), shape).to(ScalarType.Float32);
        if (dataset.Type.Size != 4)
            throw new FormatException($"dataset \"{dataset.Name}\" holds {dataset.Type.Size * 8}-bit floats; Deepen reads 32- and 64-bit weights.");
        return tensor(dataset.Read<float[]>(), shape);
    }

    /// <summary>
    /// A string-list attribute as Keras writes it (<c>save_attributes_to_hdf5_group</c>): <paramref name="name"/>, or
    /// <c>name0</c>, <c>name1</c>, … when it was split in chunks; empty when absent or an empty array.
    /// </summary>
    public static List<string> ReadStrings(IH5Object owner, string name)
    {
        var result = new List<string>();
        if (owner.AttributeExists(name)) return Strings(owner.Attribute(name));
        for (int chunk = 0; owner.AttributeExists(name + chunk); chunk++) result.AddRange(Strings(owner.Attribute(name + chunk)));
        return result;
    }

    static List<string> Strings(IH5Attribute attribute)
    {
        if (attribute.Space.Dimensions.Aggregate(1UL, (a, b) => a * b) == 0 || attribute.Type.Class != H5DataTypeClass.String
            && attribute.Type.Class != H5DataTypeClass.VariableLength)
            return new List<string>();
        return attribute.Read<string[]>().Select(s => s.TrimEnd('\0')).ToList();
    }

    /// <summary>A dataset to write from a tensor (float32, its shape).</summary>
    public static H5Dataset Dataset(Tensor value)
    {
        using var cpu = value.detach().to(ScalarType.Float32).cpu().contiguous();
        var data = cpu.data<float>().ToArray();
        return new H5Dataset(data, fileDims: cpu.shape.Select(d => (ulong)d).ToArray());
    }

    /// <summary>Puts <paramref name="value"/> at the slash-separated <paramref name="path"/> under <paramref name="group"/>, creating groups.</summary>
    public static void Put(H5Group group, string path, object value)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!group.TryGetValue(parts[i], out var child)) group[parts[i]] = child = new H5Group();
            group = child as H5Group ?? throw new InvalidOperationException($"\"{parts[i]}\" is both a dataset and a group in the file being written.");
        }
        group[parts[^1]] = value;
    }

    /// <summary>Writes the file atomically (a temporary file beside it, then a rename).</summary>
    public static void Write(H5File file, string path)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            file.Write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
