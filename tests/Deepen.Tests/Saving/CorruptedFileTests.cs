using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Saving;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Saving;

/// <summary>Damaged model files, made by editing a saved archive with System.IO.Compression, fail with a clear message.</summary>
public class CorruptedFileTests : IDisposable
{
    readonly TempDir _dir = new();
    readonly string _good;

    public CorruptedFileTests()
    {
        Backend.SetRandomSeed(42);
        var model = new Sequential(new Conv2D(2, 3, inputShape: (5, 5, 1)), new Flatten(), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        model.Fit(new float[4, 5, 5, 1], new float[] { 0, 1, 0, 1 }, epochs: 1, verbose: 0);
        _good = _dir.File("good.deepen");
        model.Save(_good);
    }

    public void Dispose() => _dir.Dispose();

    static string Sha(byte[] b) => Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();

    /// <summary>Copies the good file and rewrites entries; <paramref name="fixChecksums"/> updates metadata.json to match.</summary>
    string Edit(string name, Func<Dictionary<string, byte[]>, Dictionary<string, byte[]>> change, bool fixChecksums = false)
    {
        var entries = new Dictionary<string, byte[]>();
        using (var zip = ZipFile.OpenRead(_good))
            foreach (var e in zip.Entries)
            {
                using var s = e.Open();
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                entries[e.FullName] = ms.ToArray();
            }
        entries = change(entries);
        if (fixChecksums)
        {
            var meta = JsonNode.Parse(entries["metadata.json"])!.AsObject();
            foreach (var (k, v) in entries) if (k != "metadata.json") meta["sha256"]![k] = Sha(v);
            entries["metadata.json"] = Encoding.UTF8.GetBytes(meta.ToJsonString());
        }
        string path = _dir.File(name);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            foreach (var (k, v) in entries)
            {
                using var s = zip.CreateEntry(k).Open();
                s.Write(v);
            }
        return path;
    }

    static Dictionary<string, byte[]> EditJson(Dictionary<string, byte[]> entries, string entry, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(entries[entry])!.AsObject();
        edit(json);
        entries[entry] = Encoding.UTF8.GetBytes(json.ToJsonString());
        return entries;
    }

    ModelFileException LoadFails(string path)
    {
        var e = Assert.Throws<ModelFileException>(() => Model.Load(path));
        Assert.Equal(path, e.Path);
        Assert.Contains(path, e.Message);
        return e;
    }

    [Fact]
    public void TheUnmodifiedFileLoads()
    {
        using var model = Model.Load(_good);
        Assert.Equal(3, model.Layers.Count);
        using var copy = Model.Load(Edit("copy.deepen", e => e)); // the editing helper alone keeps files loadable
        Assert.True(TestData.SameWeights(model.GetWeights(), copy.GetWeights()));
    }

    [Fact]
    public void MissingFileThrowsFileNotFound()
    {
        string path = _dir.File("nope.deepen");
        var e = Assert.Throws<FileNotFoundException>(() => Model.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TruncatedFile()
    {
        byte[] bytes = File.ReadAllBytes(_good);
        string path = _dir.File("truncated.deepen");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("truncated or corrupted", LoadFails(path).Problem);
    }

    [Fact]
    public void RandomBytes()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        string path = _dir.File("random.deepen");
        File.WriteAllBytes(path, bytes);
        Assert.Contains("not a Deepen model file", LoadFails(path).Problem);
    }

    [Fact]
    public void ZipWithoutMetadata()
    {
        var path = Edit("nometa.deepen", e => { e.Remove("metadata.json"); return e; });
        Assert.Contains("no metadata.json", LoadFails(path).Problem);
    }

    [Fact]
    public void EditedConfigFailsItsChecksum()
    {
        var path = Edit("edited.deepen", e => EditJson(e, "config.json", c =>
            c["model"]!["config"]!["layers"]![2]!["config"]!["activation"] = "linear"));
        var problem = LoadFails(path).Problem;
        Assert.Contains("config.json", problem);
        Assert.Contains("SHA-256 does not match", problem);
    }

    [Fact]
    public void FlippedByteInTheWeightsFailsItsChecksum()
    {
        var path = Edit("flipped.deepen", e => { e["model.safetensors"][^3] ^= 0x40; return e; });
        var problem = LoadFails(path).Problem;
        Assert.Contains("model.safetensors", problem);
        Assert.Contains("corrupted or was edited", problem);
    }

    [Fact]
    public void WrongFormatVersion()
    {
        var path = Edit("v99.deepen", e => EditJson(e, "metadata.json", m => m["format_version"] = 99));
        var problem = LoadFails(path).Problem;
        Assert.Contains("format version 99", problem);
        Assert.Contains($"version {ModelFile.FormatVersion}", problem);
    }

    [Fact]
    public void NotADeepenFormat()
    {
        var path = Edit("other.deepen", e => EditJson(e, "metadata.json", m => m["format"] = "keras"));
        Assert.Contains("does not describe a Deepen model", LoadFails(path).Problem);
    }

    [Fact]
    public void UnknownLayerClassWithValidChecksums()
    {
        var path = Edit("lambda.deepen", e => EditJson(e, "config.json", c =>
            c["model"]!["config"]!["layers"]![1]!["class_name"] = "Lambda"), fixChecksums: true);
        var problem = LoadFails(path).Problem;
        Assert.Contains("Unknown layer class \"Lambda\"", problem);
        Assert.Contains("LayerRegistry.Register", problem);
    }

    [Fact]
    public void ConfigThatIsNotJson()
    {
        var path = Edit("notjson.deepen", e => { e["config.json"] = Encoding.UTF8.GetBytes("{ not json"); return e; }, fixChecksums: true);
        Assert.Contains("config.json is not a valid JSON object", LoadFails(path).Problem);
    }

    [Fact]
    public void MissingWeightsEntry()
    {
        var path = Edit("noweights.deepen", e => { e.Remove("model.safetensors"); return e; });
        Assert.Contains("no model.safetensors entry", LoadFails(path).Problem);
    }

    [Fact]
    public void WeightsThatDoNotFitTheArchitecture()
    {
        var path = Edit("wide.deepen", e => EditJson(e, "config.json", c =>
            c["model"]!["config"]!["layers"]![0]!["config"]!["filters"] = 3), fixChecksums: true);
        var problem = LoadFails(path).Problem;
        Assert.Contains("conv2d/kernel", problem);
        Assert.Contains("[2, 1, 3, 3]", problem);
        Assert.Contains("[3, 1, 3, 3]", problem);
    }

    [Fact]
    public void InvalidLayerArgumentInTheConfig()
    {
        var path = Edit("badpad.deepen", e => EditJson(e, "config.json", c =>
            c["model"]!["config"]!["layers"]![0]!["config"]!["padding"] = "full"), fixChecksums: true);
        var problem = LoadFails(path).Problem;
        Assert.Contains("cannot be rebuilt", problem);
        Assert.Contains("padding=\"full\"", problem);
    }

    [Fact]
    public void UnknownOptimizerInTheCompileConfig()
    {
        var path = Edit("opt.deepen", e => EditJson(e, "config.json", c =>
            c["compile_config"]!["optimizer"]!["class_name"] = "adamax"), fixChecksums: true);
        Assert.Contains("Unknown optimizer \"adamax\"", LoadFails(path).Problem);
    }
}
