using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deepen.Training;
using Deepen.Utils;

namespace Deepen.Cli;

/// <summary>Writes the run's files (history.csv, metrics.json) atomically.</summary>
public static class RunOutputs
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically (Deepen's one <see cref="AtomicFile"/>).</summary>
    public static void WriteAtomic(string path, string text) => AtomicFile.WriteAllText(path, text);

    /// <summary>history.csv: one row per epoch, column "epoch" (1-based) then the sorted log names.</summary>
    public static void WriteHistory(string path, History history)
    {
        var keys = history.Keys.OrderBy(k => k.StartsWith("val_") ? 1 : 0).ThenBy(k => k, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder("epoch," + string.Join(",", keys) + "\n");
        for (int i = 0; i < history.Epochs.Count; i++)
            sb.Append((history.Epochs[i] + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
              .AppendJoin(',', keys.Select(k => history[k][i].ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        WriteAtomic(path, sb.ToString());
    }

    /// <summary>Serializes a JSON object with indentation.</summary>
    public static void WriteJson(string path, JsonNode node) => WriteAtomic(path, node.ToJsonString(Indented) + "\n");

    /// <summary>A JSON object from name → number, with non-finite values as null.</summary>
    public static JsonObject Numbers(IEnumerable<KeyValuePair<string, double>> values) =>
        new(values.Select(kv => KeyValuePair.Create(kv.Key, double.IsFinite(kv.Value) ? (JsonNode?)JsonValue.Create(Math.Round(kv.Value, 6)) : null)));
}
