using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Deepen.Training;

/// <summary>
/// Keras 3's progress line: <c>63/63 ━━━━━━━━━━━━━━━━━━━━ 12s 190ms/step - accuracy: 0.5312 - loss: 0.6931</c>.
/// On a terminal it redraws in place (at most ~10 times a second); when output is redirected it writes one clean
/// line when the epoch ends.
/// </summary>
public sealed class ProgressBar
{
    const int Width = 20;
    readonly TextWriter _out;
    readonly bool _live;
    readonly int _target;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    long _lastDraw = -1;
    int _lastLength;

    /// <param name="target">The number of steps.</param>
    /// <param name="writer">Where to write; standard output by default.</param>
    /// <param name="live">Redraw in place; by default when standard output is a terminal.</param>
    public ProgressBar(int target, TextWriter? writer = null, bool? live = null)
    {
        _target = Math.Max(target, 1);
        _out = writer ?? Console.Out;
        _live = live ?? (writer is null && !Console.IsOutputRedirected);
    }

    /// <summary>Whether a redraw is due (so callers read metric values only then).</summary>
    public bool ShouldDraw(int step) => _live && (step == _target || _clock.ElapsedMilliseconds - _lastDraw >= 100);

    /// <summary>Redraws after <paramref name="step"/> steps (1-based) on a terminal.</summary>
    public void Update(int step, IEnumerable<KeyValuePair<string, double>> values)
    {
        if (!_live) return;
        _lastDraw = _clock.ElapsedMilliseconds;
        string line = Render(step, values, final: false);
        _out.Write("\r" + line + new string(' ', Math.Max(0, _lastLength - VisibleLength(line))));
        _lastLength = VisibleLength(line);
        _out.Flush();
    }

    /// <summary>Writes the final line of the epoch.</summary>
    public void Finish(int steps, IEnumerable<KeyValuePair<string, double>> values)
    {
        string line = Render(steps, values, final: true);
        _out.Write((_live ? "\r" : "") + line + new string(' ', Math.Max(0, _lastLength - VisibleLength(line))) + Environment.NewLine);
        _out.Flush();
    }

    string Render(int step, IEnumerable<KeyValuePair<string, double>> values, bool final)
    {
        double elapsed = _clock.Elapsed.TotalSeconds;
        double perStep = step > 0 ? elapsed / step : 0;
        var sb = new StringBuilder();
        string counter = $"{step.ToString().PadLeft(_target.ToString().Length)}/{_target}";
        int done = (int)(Width * Math.Min(1.0, (double)step / _target));
        if (_live) sb.Append("\x1b[1m").Append(counter).Append("\x1b[0m ")
                     .Append("\x1b[32m").Append('━', done).Append("\x1b[0m")
                     .Append("\x1b[37m").Append('━', Width - done).Append("\x1b[0m");
        else sb.Append(counter).Append(' ').Append('━', done).Append(' ', Width - done);
        sb.Append(' ').Append(final ? FormatSeconds(elapsed) : FormatEta(perStep * (_target - step)));
        sb.Append(' ').Append(FormatPerStep(perStep));
        foreach (var (k, v) in Order(values)) sb.Append(" - ").Append(k).Append(": ").Append(FormatValue(v));
        return sb.ToString();
    }

    /// <summary>Keras's order: training values alphabetically, then validation values alphabetically.</summary>
    internal static IEnumerable<KeyValuePair<string, double>> Order(IEnumerable<KeyValuePair<string, double>> values) =>
        values.Where(kv => kv.Key != "learning_rate")
              .OrderBy(kv => kv.Key.StartsWith("val_") ? 1 : 0).ThenBy(kv => kv.Key, StringComparer.Ordinal);

    static int VisibleLength(string s)
    {
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\x1b') { while (i < s.Length && s[i] != 'm') i++; continue; }
            n++;
        }
        return n;
    }

    internal static string FormatValue(double v) =>
        double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf") :
        Math.Abs(v) < 1e-3 && v != 0
            ? v.ToString("0.0000e+00", CultureInfo.InvariantCulture)
            : v.ToString("F4", CultureInfo.InvariantCulture);

    static string FormatSeconds(double s) => $"{Math.Round(s):0}s";

    static string FormatEta(double s) => s >= 3600 ? $"{(int)s / 3600}:{(int)s % 3600 / 60:00}:{(int)s % 60:00}"
        : s >= 60 ? $"{(int)s / 60}:{(int)s % 60:00}" : $"{Math.Round(s):0}s";

    static string FormatPerStep(double s) => s >= 1 ? $"{Math.Round(s):0}s/step"
        : s >= 1e-3 ? $"{Math.Round(s * 1e3):0}ms/step" : $"{Math.Round(s * 1e6):0}us/step";
}
