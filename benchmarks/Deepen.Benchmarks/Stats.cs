using System.Globalization;
using System.Text;

namespace Deepen.Benchmarks;

/// <summary>Summary statistics of per-step timings, and the JSON line format shared with benchmarks/pytorch.</summary>
public static class Stats
{
    /// <summary>Percentile with linear interpolation between closest ranks (numpy's default; q in [0, 1]).</summary>
    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var s = values.OrderBy(v => v).ToArray();
        if (s.Length == 1) return s[0];
        double pos = (s.Length - 1) * q;
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 0.5);

    /// <summary>
    /// One JSON line: {"framework":...,"workload":...,"layout":...,"median_ms":...,"p10_ms":...,"p90_ms":...,"steps":N,...extra}.
    /// </summary>
    public static string JsonLine(string framework, string workload, string layout, IReadOnlyList<double> stepMs,
                                  IEnumerable<KeyValuePair<string, object>>? extra = null)
    {
        var sb = new StringBuilder();
        sb.Append('{');
        Field(sb, "framework", framework); sb.Append(',');
        Field(sb, "workload", workload); sb.Append(',');
        Field(sb, "layout", layout); sb.Append(',');
        Field(sb, "median_ms", Math.Round(Median(stepMs), 3)); sb.Append(',');
        Field(sb, "p10_ms", Math.Round(Percentile(stepMs, 0.1), 3)); sb.Append(',');
        Field(sb, "p90_ms", Math.Round(Percentile(stepMs, 0.9), 3)); sb.Append(',');
        Field(sb, "steps", stepMs.Count);
        if (extra != null)
            foreach (var kv in extra) { sb.Append(','); Field(sb, kv.Key, kv.Value); }
        sb.Append('}');
        return sb.ToString();
    }

    static void Field(StringBuilder sb, string key, object value)
    {
        sb.Append(System.Text.Json.JsonSerializer.Serialize(key)).Append(':');
        sb.Append(value switch
        {
            string str => System.Text.Json.JsonSerializer.Serialize(str),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
            _ => System.Text.Json.JsonSerializer.Serialize(value.ToString()),
        });
    }
}
