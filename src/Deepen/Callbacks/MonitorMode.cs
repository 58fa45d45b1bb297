using Deepen.Utils;

namespace Deepen.Callbacks;

/// <summary>Keras's "min" / "max" / "auto" choice of which direction improves a monitored value.</summary>
internal static class MonitorMode
{
    /// <summary>True when larger values are better for <paramref name="monitor"/> under <paramref name="mode"/>.</summary>
    public static bool Maximize(string monitor, string mode)
    {
        string m = Check.OneOf(mode, nameof(mode), "auto", "min", "max");
        if (m != "auto") return m == "max";
        string name = monitor.StartsWith("val_") ? monitor[4..] : monitor;
        return name is "accuracy" or "acc" or "auc" or "precision" or "recall" || name.EndsWith("accuracy");
    }

    public static bool Improved(double current, double best, double minDelta, bool maximize) =>
        maximize ? current - minDelta > best : current + minDelta < best;

    public static double? Read(IDictionary<string, double> logs, string monitor, string callback)
    {
        if (logs.TryGetValue(monitor, out var v)) return v;
        Console.Error.WriteLine($"{callback}: the monitored value \"{monitor}\" is not available. Available: {string.Join(", ", logs.Keys)}.");
        return null;
    }
}
