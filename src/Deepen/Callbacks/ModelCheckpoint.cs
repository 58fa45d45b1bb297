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

    /// <summary>Creates the callback with Keras's arguments and defaults.</summary>
    /// <param name="filepath">Where to save; <c>{epoch}</c> (1-based, as Keras) and any log name may appear as
    /// placeholders, with Python-style formats such as <c>{epoch:02d}</c> or <c>{val_loss:.2f}</c>.</param>
    /// <param name="monitor">The log compared when <paramref name="saveBestOnly"/> is set (default <c>"val_loss"</c>).</param>
    /// <param name="saveBestOnly">Save only when the monitored log improves on the best so far (default false: every epoch).</param>
    /// <param name="mode"><c>"min"</c>, <c>"max"</c> or <c>"auto"</c> (default): auto maximizes accuracy, AUC, precision and
    /// recall and minimizes everything else.</param>
    /// <param name="saveOptimizer">Include the optimizer state in the file (default true), so training can resume from it.
    /// Keras's <c>save_weights_only</c> has no counterpart: the whole model is always saved.</param>
    /// <param name="verbose">0 (default) is silent; above 0 prints a line when a better model is saved.</param>
    /// <exception cref="ArgumentException"><paramref name="filepath"/> is empty or <paramref name="mode"/> is not one of min, max, auto.</exception>
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

    /// <summary>The path pattern the model is saved to, placeholders included.</summary>
    public string Filepath { get; }
    /// <summary>The log compared when <see cref="SaveBestOnly"/> is set.</summary>
    public string Monitor { get; }
    /// <summary>Whether the model is saved only when the monitored log improves.</summary>
    public bool SaveBestOnly { get; }
    /// <summary>Whether the optimizer state is saved with the model.</summary>
    public bool SaveOptimizer { get; }
    /// <summary>0 is silent; above 0 prints a line when a better model is saved.</summary>
    public int Verbose { get; }
    /// <summary>The last file written.</summary>
    public string? LastSaved { get; private set; }

    /// <summary>Resets the best monitored value.</summary>
    public override void OnTrainBegin(IDictionary<string, double> logs) =>
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;

    /// <summary>
    /// Saves the model to <see cref="Filepath"/> with its placeholders filled from the epoch and its logs — every epoch,
    /// or with <see cref="SaveBestOnly"/> only when the monitored log improved (an epoch without that log is skipped with
    /// a message on standard error).
    /// </summary>
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
