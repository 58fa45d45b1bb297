using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deepen.Layers;
using Deepen.Losses;
using Deepen.Metrics;
using Deepen.Models;
using Deepen.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Deepen.Saving;

/// <summary>
/// The <c>.deepen</c> file: a ZIP archive holding <c>metadata.json</c> (format version and a SHA-256 per entry),
/// <c>config.json</c> (architecture and compile settings), <c>model.safetensors</c> (weights, float32) and optionally
/// <c>optimizer.bin</c> (the optimizer's state). Written atomically; read without running any code from the file.
/// </summary>
public static class ModelFile
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int FormatVersion = 1;
    const string Format = "deepen-model";

    /// <summary>Saves <paramref name="model"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(Model model, string path, bool includeOptimizer = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(path)) throw Utils.Check.Invalid(nameof(path), path, "a file path");
        if (!model.Built) throw new InvalidOperationException($"Model \"{model.Name}\" is not built yet: give the first layer an inputShape, call Build, or fit it before saving.");

        var entries = new Dictionary<string, byte[]>
        {
            ["config.json"] = Encoding.UTF8.GetBytes(ConfigJson(model).ToJsonString(new JsonSerializerOptions { WriteIndented = true })),
            ["model.safetensors"] = SafeTensors.Write(WeightEntries(model)),
        };
        if (includeOptimizer && model.Optimizer is { IsBound: true } opt) entries["optimizer.bin"] = opt.SaveState();
        var metadata = new JsonObject
        {
            ["format"] = Format,
            ["format_version"] = FormatVersion,
            ["deepen_version"] = typeof(ModelFile).Assembly.GetName().Version?.ToString(),
            ["saved_at"] = DateTime.UtcNow.ToString("O"),
            ["sha256"] = new JsonObject(entries.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(Hash(e.Value))))),
        };

        Utils.AtomicFile.Write(path, fs =>
        {
            using var zip = new ZipArchive(fs, ZipArchiveMode.Create, leaveOpen: true);
            Add(zip, "metadata.json", Encoding.UTF8.GetBytes(metadata.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
            foreach (var (name, bytes) in entries) Add(zip, name, bytes);
        });
    }

    static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, name.EndsWith(".json") ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
        using var s = entry.Open();
        s.Write(bytes);
    }

    static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    static IEnumerable<(string, Tensor)> WeightEntries(Model model) =>
        model.Layers.SelectMany(l => l.Weights.Select(w => ($"{l.Name}/{w.Name}", w.Value)));

    static JsonObject ConfigJson(Model model)
    {
        var root = new JsonObject
        {
            ["model"] = new JsonObject { ["class_name"] = model.IsFunctional ? "Functional" : model.GetType().Name, ["config"] = model.GetConfig().Json.DeepClone() },
        };
        if (model.ClassNames is { } names)
            root["class_names"] = new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        root["dtype_policy"] = model.DTypePolicy.Name;
        if (model.IsCompiled)
        {
            root["compile_config"] = new JsonObject
            {
                ["optimizer"] = new JsonObject { ["class_name"] = model.Optimizer!.Name, ["config"] = model.Optimizer.GetConfig().Json },
                ["loss"] = new JsonObject { ["name"] = model.Loss!.Name, ["from_logits"] = model.Loss.FromLogits, ["config"] = model.Loss.GetConfig().Json },
                ["metrics"] = new JsonArray(model.CompiledMetrics.Select(MetricName).Where(n => n is not null)
                    .Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            };
            if (model.Outputs.Count > 1)                  // one loss and one weight per output of a functional model
            {
                var cc = root["compile_config"]!.AsObject();
                cc["losses"] = new JsonArray(model.Losses.Select(l => (JsonNode?)new JsonObject { ["name"] = l.Name, ["from_logits"] = l.FromLogits }).ToArray());
                cc["loss_weights"] = new JsonArray(model.LossWeights.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());
            }
        }
        return root;
    }

    static string? MetricName(object m) => m switch
    {
        string s => s,
        Precision => "precision",
        Recall => "recall",
        AUC => "auc",
        BinaryAccuracy => "binary_accuracy",
        CategoricalAccuracy => "categorical_accuracy",
        SparseCategoricalAccuracy => "sparse_categorical_accuracy",
        _ => null, // custom metric objects are not saved; compile again after loading to use them
    };

    /// <summary>
    /// Loads a model saved by <see cref="Save"/>. Sizes are checked before memory is taken: the entries' total
    /// uncompressed size against <see cref="ModelFileLimits.MaxUncompressedBytes"/>, and the architecture's parameters
    /// against the values the weights file holds (see <see cref="ParameterBudget"/>).
    /// </summary>
    /// <param name="path">The .deepen file.</param>
    /// <param name="compile">Restore the loss, metrics and optimizer saved with the model.</param>
    /// <param name="includeOptimizer">Restore the optimizer's state (moments, step counts); false skips the
    /// <c>optimizer.bin</c> entry unread, as inference needs no optimizer.</param>
    public static Model Load(string path, bool compile = true, bool includeOptimizer = true)
    {
        if (string.IsNullOrWhiteSpace(path)) throw Utils.Check.Invalid(nameof(path), path, "a file path");
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file \"{path}\" does not exist.", path);
        var entries = ReadEntries(path, includeOptimizer: compile && includeOptimizer);
        var metadata = ParseJson(path, entries, "metadata.json");
        if (Field<string>(path, metadata["format"], "metadata.json's \"format\"") != Format)
            throw new ModelFileException(path, $"metadata.json does not describe a Deepen model (format={metadata["format"]?.ToJsonString() ?? "missing"}).");
        int version = Field<int>(path, metadata["format_version"], "metadata.json's \"format_version\"");   // 0 when missing
        if (version != FormatVersion)
            throw new ModelFileException(path, $"format version {version} is not supported; this Deepen reads version {FormatVersion}.");
        var hashes = metadata["sha256"] as JsonObject ?? throw new ModelFileException(path, "metadata.json has no checksums.");
        foreach (var required in new[] { "config.json", "model.safetensors" })
            if (!entries.ContainsKey(required)) throw new ModelFileException(path, $"the archive has no {required} entry.");
        foreach (var (name, bytes) in entries)
        {
            if (name == "metadata.json") continue;
            string? expected = Field<string>(path, hashes[name], $"metadata.json's checksum of {name}");
            if (expected is null) throw new ModelFileException(path, $"entry {name} has no checksum in metadata.json.");
            if (expected != Hash(bytes))
                throw new ModelFileException(path, $"entry {name} is corrupted or was edited: its SHA-256 does not match metadata.json.");
        }

        var config = ParseJson(path, entries, "config.json");
        // The weights are parsed first (their size is bounded by the file), so the architecture can be held to them.
        Dictionary<string, Tensor> tensors;
        try { tensors = SafeTensors.Read(entries["model.safetensors"]); }
        catch (FormatException e) { throw new ModelFileException(path, e.Message, e); }
        try { return Build(path, config, entries, tensors, compile); }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    static Model Build(string path, JsonObject config, Dictionary<string, byte[]> entries, Dictionary<string, Tensor> tensors, bool compile)
    {
        long stored = tensors.Values.Sum(t => t.numel());
        Model model;
        try
        {
            // Headroom so that a small mismatch still gets the precise shape message below; an absurd one stops here.
            using var budget = ParameterBudget.Limit(2 * stored + 1_000_000,
                $"model.safetensors holds {stored:N0} values, and the architecture may not need much more");
            var modelNode = config["model"] as JsonObject ?? throw new FormatException("config.json has no \"model\" object.");
            string cls = modelNode["class_name"]?.GetValue<string>() ?? throw new FormatException("the model has no class_name.");
            var modelConfig = new LayerConfig((modelNode["config"] as JsonObject ?? throw new FormatException("the model has no config.")).DeepClone().AsObject());
            model = cls switch
            {
                "Sequential" => Models.Sequential.FromConfig(modelConfig),
                "Functional" => Model.FromFunctionalConfig(modelConfig),
                _ => throw new FormatException($"unknown model class \"{cls}\"."),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new ModelFileException(path, $"the architecture in config.json cannot be rebuilt: {e.Message}", e);
        }
        if (!model.Built) throw new ModelFileException(path, "the architecture has no input shape, so its weights cannot be placed.");
        LoadWeights(path, model, tensors);
        if (config["class_names"] is JsonArray classNames)
        {
            try { model.ClassNames = classNames.Select(n => n!.GetValue<string>()).ToArray(); }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
            { throw new ModelFileException(path, $"class_names in config.json must be an array of strings ({e.Message}).", e); }
        }

        if (config["dtype_policy"] is JsonNode policyNode)
        {
            try { model.DTypePolicy = MixedPrecision.DTypePolicy.Get(policyNode.GetValue<string>()); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            { throw new ModelFileException(path, $"dtype_policy in config.json must be \"float32\" or \"mixed_bfloat16\", found {policyNode.ToJsonString()}.", e); }
        }
        if (compile && config["compile_config"] is JsonObject cc)
        {
            try
            {
                var opt = cc["optimizer"] as JsonObject ?? throw new FormatException("no optimizer");
                var optimizer = OptimizerRegistry.FromConfig(opt["class_name"]!.GetValue<string>(), new LayerConfig((opt["config"] as JsonObject)!.DeepClone().AsObject()));
                var lossNode = cc["loss"] as JsonObject ?? throw new FormatException("no loss");
                var loss = LossRegistry.FromConfig(lossNode["name"]!.GetValue<string>(), lossNode["from_logits"]?.GetValue<bool>() ?? false,
                    lossNode["config"] is JsonObject lossConfig ? new LayerConfig((JsonObject)lossConfig.DeepClone()) : null);
                var metrics = (cc["metrics"] as JsonArray ?? new JsonArray()).Select(m => (object)m!.GetValue<string>()).ToList();
                metrics.ForEach(m => MetricRegistry.Validate((string)m));
                model.RestoreCompile(optimizer, loss, metrics);
                if (cc["losses"] is JsonArray losses)
                {
                    var perOutput = losses.Select(l => LossRegistry.FromConfig(l!["name"]!.GetValue<string>(), l["from_logits"]?.GetValue<bool>() ?? false)).ToArray();
                    var weights = (cc["loss_weights"] as JsonArray)?.Select(w => w!.GetValue<double>()).ToArray();
                    if (perOutput.Length != model.Outputs.Count || (weights is not null && weights.Length != perOutput.Length))
                        throw new FormatException($"compile_config has {perOutput.Length} losses and {weights?.Length} loss weights for {model.Outputs.Count} outputs.");
                    model.RestoreLosses(perOutput, weights);
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or NullReferenceException or EndOfStreamException or IOException)
            {
                throw new ModelFileException(path, $"the compile settings cannot be restored: {e.Message}", e);
            }
            if (entries.TryGetValue("optimizer.bin", out var state))
            {
                try
                {
                    model.EnsureOptimizerBound();
                    model.Optimizer!.LoadState(state);
                }
                catch (Exception e) when (e is not OutOfMemoryException)    // LibTorch's reader throws several types on garbage
                {
                    throw new ModelFileException(path, $"the optimizer state (optimizer.bin) cannot be restored: {e.Message} " +
                        "Load with includeOptimizer: false to use the model without it.", e);
                }
            }
        }
        return model;
    }

    static void LoadWeights(string path, Model model, Dictionary<string, Tensor> tensors)
    {
        {
            var expected = model.Layers.SelectMany(l => l.Weights.Select(w => (Key: $"{l.Name}/{w.Name}", Weight: w))).ToList();
            foreach (var (key, weight) in expected)
            {
                if (!tensors.TryGetValue(key, out var t))
                    throw new ModelFileException(path, $"the weights have no \"{key}\", which the architecture needs.");
                if (!t.shape.SequenceEqual(weight.Shape))
                    throw new ModelFileException(path, $"weight \"{key}\" has shape [{string.Join(", ", t.shape)}] but the architecture needs [{string.Join(", ", weight.Shape)}].");
                weight.Assign(t);
            }
            var extra = tensors.Keys.Except(expected.Select(e => e.Key)).ToList();
            if (extra.Count > 0)
                throw new ModelFileException(path, $"the weights hold tensors the architecture has no place for: {string.Join(", ", extra)}.");
        }
    }

    /// <summary>
    /// Reads the entries into memory after checking, from the ZIP directory alone, that they are known and that their
    /// total uncompressed size is within <see cref="ModelFileLimits.MaxUncompressedBytes"/>; an entry that inflates to
    /// more than its directory claims is refused as it is read.
    /// </summary>
    static Dictionary<string, byte[]> ReadEntries(string path, bool includeOptimizer)
    {
        // A FIFO or device reports size 0 and would block or never end; a real model file is never empty.
        if (new FileInfo(path).Length == 0) throw new ModelFileException(path, "the file is empty (0 bytes) or not a regular file.");
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var unknown = zip.Entries.Select(e => e.FullName).Where(n => !ModelFileLimits.KnownEntries.Contains(n)).ToList();
            if (unknown.Count > 0)
                throw new ModelFileException(path, $"the archive holds {(unknown.Count == 1 ? "an entry" : "entries")} a Deepen model file does not have: " +
                    $"{string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? $" and {unknown.Count - 5} more" : "")} (expected {string.Join(", ", ModelFileLimits.KnownEntries)}).");
            var wanted = zip.Entries.Where(e => includeOptimizer || e.FullName != "optimizer.bin").ToList();
            long total = 0;
            foreach (var entry in wanted) total = entry.Length > ModelFileLimits.MaxUncompressedBytes ? long.MaxValue : total + entry.Length;
            if (total > ModelFileLimits.MaxUncompressedBytes || wanted.Any(e => e.Length > Array.MaxLength))
                throw new ModelFileException(path, FormattableString.Invariant(
                    $"its entries inflate to {Describe(wanted)}, more than the limit of {ModelFileLimits.MaxUncompressedBytes:N0} bytes (ModelFileLimits.MaxUncompressedBytes; DEEPEN_MAX_MODEL_BYTES for the deepen command). Nothing was inflated."));
            var result = new Dictionary<string, byte[]>();
            foreach (var entry in wanted)
            {
                if (result.ContainsKey(entry.FullName)) throw new ModelFileException(path, $"the archive holds entry {entry.FullName} twice.");
                var bytes = new byte[entry.Length];
                using var s = entry.Open();
                s.ReadExactly(bytes);
                if (s.ReadByte() >= 0) throw new ModelFileException(path, $"entry {entry.FullName} inflates to more than the {entry.Length} bytes its directory claims.");
                result[entry.FullName] = bytes;
            }
            if (!result.ContainsKey("metadata.json")) throw new ModelFileException(path, "the archive has no metadata.json entry: it is not a Deepen model file.");
            return result;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new ModelFileException(path, $"it is not a Deepen model file, or it is truncated or corrupted ({e.Message}).", e);
        }
    }

    static string Describe(List<ZipArchiveEntry> entries) => string.Join(", ",
        entries.Select(e => FormattableString.Invariant($"{e.FullName} {e.Length:N0} bytes")));

    /// <summary>A JSON field's value, or a <see cref="ModelFileException"/> naming the field when it has the wrong type.</summary>
    static T? Field<T>(string path, JsonNode? node, string field)
    {
        if (node is null) return default;
        try { return node.GetValue<T>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            throw new ModelFileException(path, $"{field} must be {(type == typeof(string) ? "a string" : "an integer")}; found {node.ToJsonString()}.", e);
        }
    }

    static JsonObject ParseJson(string path, Dictionary<string, byte[]> entries, string name)
    {
        if (!entries.TryGetValue(name, out var bytes)) throw new ModelFileException(path, $"the archive has no {name} entry.");
        try
        {
            return JsonNode.Parse(bytes)?.AsObject() ?? throw new ModelFileException(path, $"{name} is empty.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new ModelFileException(path, $"{name} is not a valid JSON object ({e.Message}).", e);
        }
    }
}
