using System.Globalization;

namespace Deepen.Callbacks;

/// <summary>Streams each epoch's logs to a CSV file (column "epoch" then the sorted log names), as Keras's CSVLogger.</summary>
/// <example><code>new CSVLogger("training.csv", append: true)</code></example>
public sealed class CSVLogger : Callback
{
    string[]? _keys;
    bool _writeHeader;

    /// <summary>Creates the logger, as Keras's <c>CSVLogger(filename, separator=",", append=False)</c>.</summary>
    /// <param name="filename">The CSV file to write (Keras's <c>filename</c>).</param>
    /// <param name="separator">The character between fields (Keras's <c>separator</c>, default <c>','</c>).</param>
    /// <param name="append">Append to an existing file instead of overwriting it; the header is then written only
    /// when the file is missing or empty (Keras's <c>append</c>, default false).</param>
    /// <exception cref="ArgumentException"><paramref name="filename"/> is null, empty or white space.</exception>
    public CSVLogger(string filename, char separator = ',', bool append = false)
    {
        Filename = string.IsNullOrWhiteSpace(filename) ? throw Utils.Check.Invalid(nameof(filename), filename, "a file path") : filename;
        Separator = separator;
        Append = append;
    }

    /// <summary>The CSV file the logs are written to.</summary>
    public string Filename { get; }
    /// <summary>The character written between fields.</summary>
    public char Separator { get; }
    /// <summary>Whether rows are appended to an existing file (true) or the file is overwritten when training starts (false).</summary>
    public bool Append { get; }

    /// <summary>Empties the file unless <see cref="Append"/> is set, and decides whether a header row is needed.</summary>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _keys = null;
        bool exists = File.Exists(Filename) && new FileInfo(Filename).Length > 0;
        _writeHeader = !(Append && exists);
        if (!Append) File.WriteAllText(Filename, "");
    }

    /// <summary>
    /// Appends one row: the 0-based epoch, then each log value in the column order fixed at the first epoch (names sorted
    /// ordinally), written round-trippable with the invariant culture; a log missing in a later epoch is left empty.
    /// </summary>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        _keys ??= logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        using var w = new StreamWriter(Filename, append: true);
        if (_writeHeader) { w.WriteLine("epoch" + Separator + string.Join(Separator, _keys)); _writeHeader = false; }
        w.WriteLine(epoch.ToString(CultureInfo.InvariantCulture) + Separator + string.Join(Separator,
            _keys.Select(k => logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")));
    }
}
