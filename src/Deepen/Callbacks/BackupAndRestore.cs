using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Deepen.Saving;
using Deepen.Training;
using static TorchSharp.torch;

namespace Deepen.Callbacks;

/// <summary>
/// Keras's <c>BackupAndRestore</c>: after every epoch it backs up the weights, the optimizer state and LibTorch's
/// random generator state into <paramref name="backupDir"/>; when training starts and a backup is there (a run was
/// interrupted, even by kill -9), it restores them and training continues from the epoch after the last completed one.
/// Deepen's data sources (arrays, image folders, text datasets) order and augment each epoch from the seed and the
/// epoch number alone, so on the CPU a resumed run with the same seed ends bitwise identical to one that was never
/// interrupted. (Functional models fitted on arrays shuffle from one running generator: they resume with the same
/// weights and optimizer state, but a different data order.) The backup is deleted when training ends (unless <paramref name="deleteCheckpoint"/> is false).
/// <para>
/// Each epoch is written to its own folder, then a pointer file is renamed over the old one, so a crash at any moment
/// leaves the previous complete backup readable.
/// </para>
/// </summary>
/// <param name="backupDir">The folder for the backup (created when needed).</param>
/// <param name="deleteCheckpoint">Delete the backup when training ends normally.</param>
/// <example><code>// Run this again after a crash: it continues where the last completed epoch ended.
/// model.Fit(x, y, epochs: 20, callbacks: [new BackupAndRestore("backup")]);</code></example>
public sealed class BackupAndRestore(string backupDir, bool deleteCheckpoint = true) : Callback
{
    const string Pointer = "latest";

    /// <summary>The backup folder.</summary>
    public string BackupDir { get; } = string.IsNullOrWhiteSpace(backupDir)
        ? throw Utils.Check.Invalid(nameof(backupDir), backupDir, "a folder path") : Path.GetFullPath(backupDir);

    /// <summary>The 0-based epoch training resumed after (the last completed one), or null when it started fresh.</summary>
    public int? RestoredEpoch { get; private set; }

    /// <summary>
    /// The logs of every epoch of the run so far — those completed before an interruption included — while
    /// <c>Fit</c>'s own History holds only the epochs it ran.
    /// </summary>
    public History RunHistory { get; private set; } = new();

    /// <summary>Whether a backup exists in <see cref="BackupDir"/>.</summary>
    public bool HasBackup => LatestFolder() is not null;

    /// <summary>
    /// Restores the latest complete backup, if there is one: the weights, the optimizer state, LibTorch's random
    /// generator state and <see cref="RunHistory"/>; sets <see cref="RestoredEpoch"/> and makes <c>Fit</c> continue
    /// from the epoch after it. Throws <see cref="InvalidOperationException"/> when the backup holds a different number
    /// of weights than the model (it belongs to another model).
    /// </summary>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        RestoredEpoch = null;
        RunHistory = new History();
        if (LatestFolder() is not { } folder) return;
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "state.json")))!.AsObject();
        int epoch = state["epoch"]!.GetValue<int>();
        var tensors = SafeTensors.Read(File.ReadAllBytes(Path.Combine(folder, "weights.safetensors")));
        try
        {
            var weights = Model.Weights.ToList();
            if (tensors.Count != weights.Count)
                throw new InvalidOperationException($"The backup in {BackupDir} holds {tensors.Count} weights; the model has {weights.Count}. It belongs to another model: delete it to start afresh.");
            Model.SetWeightsTorchLayout(Enumerable.Range(0, weights.Count).Select(i => tensors[i.ToString(CultureInfo.InvariantCulture)]).ToList());
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        string optimizer = Path.Combine(folder, "optimizer.bin");
        if (File.Exists(optimizer) && Model.Optimizer is { } opt)
        {
            Model.EnsureOptimizerBound();
            opt.LoadState(File.ReadAllBytes(optimizer));
        }
        using (var rng = tensor(Convert.FromBase64String(state["rng_state"]!.GetValue<string>()), ScalarType.Byte))
            random.set_rng_state(rng);
        foreach (var entry in state["history"]!.AsArray())
            RunHistory.Append(entry!["epoch"]!.GetValue<int>(),
                entry["logs"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value is null ? double.NaN : kv.Value.GetValue<double>()));
        RestoredEpoch = epoch;
        Model.InitialEpochFromCallback = epoch + 1;
    }

    /// <summary>
    /// Writes the epoch's backup (weights, optimizer state when the optimizer is bound, random generator state, the run's
    /// history) into a new folder, points the <c>latest</c> file at it by an atomic rename, then deletes older backups.
    /// </summary>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        RunHistory.Append(epoch, new Dictionary<string, double>(logs));
        Directory.CreateDirectory(BackupDir);
        string name = FormattableString.Invariant($"epoch-{epoch + 1:D5}");
        string folder = Path.Combine(BackupDir, name);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var weights = Model.Weights.Select((w, i) => (i.ToString(CultureInfo.InvariantCulture), w.Value));
        File.WriteAllBytes(Path.Combine(folder, "weights.safetensors"), SafeTensors.Write(weights));
        if (Model.Optimizer is { IsBound: true } opt) File.WriteAllBytes(Path.Combine(folder, "optimizer.bin"), opt.SaveState());
        using var rng = random.get_rng_state();
        var state = new JsonObject
        {
            ["epoch"] = epoch,
            ["rng_state"] = Convert.ToBase64String(rng.data<byte>().ToArray()),
            ["history"] = new JsonArray(RunHistory.Epochs.Select((e, i) => (JsonNode?)new JsonObject
            {
                ["epoch"] = e,
                ["logs"] = new JsonObject(RunHistory.Keys.Select(k => KeyValuePair.Create(k,
                    double.IsFinite(RunHistory[k][i]) ? (JsonNode?)JsonValue.Create(RunHistory[k][i]) : null))),
            }).ToArray()),
        };
        File.WriteAllText(Path.Combine(folder, "state.json"), state.ToJsonString(), new UTF8Encoding(false));
        // The folder is complete: point at it (an atomic rename), then drop the older ones.
        string temp = Path.Combine(BackupDir, Pointer + ".tmp");
        File.WriteAllText(temp, name);
        File.Move(temp, Path.Combine(BackupDir, Pointer), overwrite: true);
        foreach (var old in Directory.EnumerateDirectories(BackupDir, "epoch-*").Where(d => Path.GetFileName(d) != name).ToList())
            Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// Deletes <see cref="BackupDir"/> when the backup is to be deleted (<c>deleteCheckpoint</c>, true by default).
    /// Not called when training ends with an exception, so the backup then stays for the next run.
    /// </summary>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        // Not reached when training ends with an exception (or a kill): the backup then stays for the next run.
        if (deleteCheckpoint && Directory.Exists(BackupDir)) Directory.Delete(BackupDir, recursive: true);
    }

    string? LatestFolder()
    {
        string pointer = Path.Combine(BackupDir, Pointer);
        if (!File.Exists(pointer)) return null;
        string folder = Path.Combine(BackupDir, File.ReadAllText(pointer).Trim());
        return File.Exists(Path.Combine(folder, "state.json")) && File.Exists(Path.Combine(folder, "weights.safetensors")) ? folder : null;
    }
}
