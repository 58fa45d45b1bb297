using System.IO.Compression;
using Deepen.Models;
using PureHDF;

namespace Deepen.Saving.WeightFiles;

/// <summary>
/// Chooses the weight-file format from the file's name (and, for <c>.h5</c>, its content) and reads or writes it:
/// Keras 3 <c>.weights.h5</c> and <c>.keras</c>, Keras 2 <c>.h5</c>/<c>.hdf5</c>, PyTorch <c>.pt</c>/<c>.pth</c>/<c>.bin</c>
/// state_dicts and <c>.safetensors</c>.
/// </summary>
internal static class WeightFile
{
    const string Supported = ".weights.h5 or .keras (Keras 3), .h5 or .hdf5 (Keras 2), .pt, .pth or .bin (PyTorch state_dict), .safetensors";

    static bool Ends(string path, params string[] suffixes) => suffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    public static IReadOnlyList<string> Load(Model model, string path, bool byName, bool skipMismatch)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No weight file at \"{path}\".", path);
        bool torch = Ends(path, ".pt", ".pth", ".bin", ".safetensors");
        if (!torch && !Ends(path, ".h5", ".hdf5", ".keras")) throw UnknownFormat(path, "path");
        var load = new WeightLoad(model, skipMismatch, torch ? "PyTorch" : "Keras");
        try
        {
            if (torch) PyTorchStateDictFile.Load(load, path, byName);
            else if (Ends(path, ".keras")) LoadKerasArchive(load, path, byName);
            else
            {
                using var file = H5File.OpenRead(path);
                if (!Ends(path, ".weights.h5") && KerasLegacyH5File.Recognizes(file)) KerasLegacyH5File.Load(load, file, byName);
                else KerasWeightsFile.Load(load, file, byName);
            }
        }
        // PureHDF reports an unreadable file with a plain Exception.
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or System.Text.Json.JsonException
                                  || e.GetType() == typeof(Exception))
        {
            throw new ModelFileException(path, $"cannot read its weights: {e.Message}", e);
        }
        return load.Skipped;
    }

    /// <summary>A Keras 3 <c>.keras</c> archive: its <c>model.weights.h5</c> holds the weights in the <c>.weights.h5</c> layout.</summary>
    static void LoadKerasArchive(WeightLoad load, string path, bool byName)
    {
        using var zip = ZipFile.OpenRead(path);
        var entry = zip.GetEntry("model.weights.h5")
            ?? throw new FormatException("the archive has no model.weights.h5 (Deepen reads the weights of .keras files saved in the h5 format).");
        using var memory = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(memory);
        memory.Position = 0;
        using var file = H5File.Open(memory);
        KerasWeightsFile.Load(load, file, byName);
    }

    public static void Save(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!model.Built)
            throw new InvalidOperationException($"Model \"{model.Name}\" is not built yet, so it has no weights to save. Build it or run it on data first.");
        if (Ends(path, ".weights.h5")) KerasWeightsFile.Save(model, path);
        else if (Ends(path, ".h5", ".hdf5")) KerasLegacyH5File.Save(model, path);
        else if (Ends(path, ".pt", ".pth", ".bin", ".safetensors")) PyTorchStateDictFile.Save(model, path);
        else throw UnknownFormat(path, "path");
    }

    static ArgumentException UnknownFormat(string path, string argument) =>
        new($"Invalid value received for argument `{argument}`. Expected a weight file ending in {Supported}. Received: {argument}=\"{path}\"", argument);
}
