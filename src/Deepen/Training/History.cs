using Deepen.Callbacks;

namespace Deepen.Training;

/// <summary>
/// What <c>Fit</c> returns: per-epoch values of the loss, each metric and their <c>val_</c> counterparts, as
/// Keras's <c>History.history</c>. Like Keras's, it is a callback: <c>Fit</c> adds it after the user's callbacks,
/// so it records what they add to the logs (e.g. <c>learning_rate</c>).
/// </summary>
/// <example><code>
/// var history = model.Fit(x, y, epochs: 5, validationSplit: 0.2);
/// double last = history["val_loss"][^1];
/// </code></example>
public sealed class History : Callback
{
    readonly Dictionary<string, List<double>> _values = new();
    readonly List<int> _epochs = new();

    /// <summary>The 0-based epoch numbers that ran.</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>The names recorded, e.g. loss, accuracy, val_loss, val_accuracy.</summary>
    public IReadOnlyCollection<string> Keys => _values.Keys;

    /// <summary>The values of <paramref name="key"/>, one per epoch.</summary>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"History has no \"{key}\". Recorded: {string.Join(", ", _values.Keys)}.");

    /// <summary>Whether <paramref name="key"/> was recorded.</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>All values by name.</summary>
    public IReadOnlyDictionary<string, List<double>> Values => _values;

    /// <summary>Records the epoch's logs.</summary>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => Append(epoch, logs.AsReadOnly());

    internal void Append(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _epochs.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!_values.TryGetValue(k, out var list)) _values[k] = list = new List<double>();
            list.Add(v);
        }
    }
}
