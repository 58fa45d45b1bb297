using System.Globalization;
using System.Text.RegularExpressions;

namespace Deepen.Callbacks;

/// <summary>
/// Saves the model (architecture, weights and optimizer state, atomically) after epochs, as Keras's
/// ModelCheckpoint. The path may hold placeholders such as <c>{epoch:02d}</c> or <c>{val_loss:.2f}</c>.
/// A run that crashed resumes with <c>Model.Load(path)</c> and <c>Fit(..., initialEpoch: n)</c>.
/// </summary>
/// <example><code>new ModelCheckpoint("best.deepen", monitor: "val_accuracy", saveBestOnly: true)</code></example>
public sealed partial class ModelCheckpoint : Callback
{
    readonly bool _maximize;
    double _best;

    public ModelCheckpoint(string filepath, string monitor = "val_loss", bool saveBestOnly = false, string mode = "auto",
        bool saveOptimizer = true, int verbose = 0)
    {
        Filepath = string.IsNullOrWhiteSpace(filepath) ? throw Utils.Check.Invalid(nameof(filepath), filepath, "a file path") : filepath;
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
        SaveOptimizer = saveOptimizer;
        Verbose = verbose;
        _maximize = MonitorMode.Maximize(monitor, mode);
    }

    public string Filepath { get; }
    public string Monitor { get; }
    public bool SaveBestOnly { get; }
    public bool SaveOptimizer { get; }
    public int Verbose { get; }
    /// <summary>The last file written.</summary>
    public string? LastSaved { get; private set; }

    public override void OnTrainBegin(IDictionary<string, double> logs) =>
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;

    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        string path = Format(Filepath, epoch + 1, logs);
        if (SaveBestOnly)
        {
            if (MonitorMode.Read(logs, Monitor, nameof(ModelCheckpoint)) is not double current) return;
            if (!MonitorMode.Improved(current, _best, 0, _maximize)) return;
            if (Verbose > 0) Console.WriteLine($"Epoch {epoch + 1}: {Monitor} improved from {_best:F5} to {current:F5}, saving model to {path}");
            _best = current;
        }
        Model.Save(path, includeOptimizer: SaveOptimizer);
        LastSaved = path;
    }

    internal static string Format(string pattern, int epoch, IDictionary<string, double> logs) =>
        Placeholder().Replace(pattern, m =>
        {
            string key = m.Groups[1].Value, spec = m.Groups[2].Value;
            double value = key == "epoch" ? epoch : logs.TryGetValue(key, out var v) ? v : double.NaN;
            if (spec.EndsWith('d') && int.TryParse(spec.TrimStart('0').TrimEnd('d'), out int width))
                return ((long)value).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
            if (spec.StartsWith('.') && spec.EndsWith('f') && int.TryParse(spec[1..^1], out int digits))
                return value.ToString("F" + digits, CultureInfo.InvariantCulture);
            return key == "epoch" ? epoch.ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
        });

    [GeneratedRegex(@"\{([A-Za-z_]+)(?::([^}]*))?\}")] private static partial Regex Placeholder();
}
