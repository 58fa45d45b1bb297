using System.Globalization;

namespace Deepen.Callbacks;

/// <summary>Streams each epoch's logs to a CSV file (column "epoch" then the sorted log names), as Keras's CSVLogger.</summary>
/// <example><code>new CSVLogger("training.csv", append: true)</code></example>
public sealed class CSVLogger : Callback
{
    string[]? _keys;
    bool _writeHeader;

    public CSVLogger(string filename, char separator = ',', bool append = false)
    {
        Filename = string.IsNullOrWhiteSpace(filename) ? throw Utils.Check.Invalid(nameof(filename), filename, "a file path") : filename;
        Separator = separator;
        Append = append;
    }

    public string Filename { get; }
    public char Separator { get; }
    public bool Append { get; }

    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _keys = null;
        bool exists = File.Exists(Filename) && new FileInfo(Filename).Length > 0;
        _writeHeader = !(Append && exists);
        if (!Append) File.WriteAllText(Filename, "");
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        _keys ??= logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        using var w = new StreamWriter(Filename, append: true);
        if (_writeHeader) { w.WriteLine("epoch" + Separator + string.Join(Separator, _keys)); _writeHeader = false; }
        w.WriteLine(epoch.ToString(CultureInfo.InvariantCulture) + Separator + string.Join(Separator,
            _keys.Select(k => logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")));
    }
}
