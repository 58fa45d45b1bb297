using Deepen.Callbacks;
using static TorchSharp.torch;

namespace Deepen.Tests.Callbacks;

/// <summary>
/// Test helper: writes a scripted value under <see cref="Key"/> into each epoch's logs (so monitoring callbacks placed
/// after it see a known sequence), and records the weights and learning rate at each epoch end.
/// </summary>
internal sealed class ScriptedLogs : Callback
{
    readonly double[] _script;

    public ScriptedLogs(string key, params double[] script) { Key = key; _script = script; }

    public string Key { get; }
    public List<List<Tensor>> WeightsAtEpochEnd { get; } = new();

    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        logs[Key] = _script[Math.Min(epoch, _script.Length - 1)];
        WeightsAtEpochEnd.Add(Model.GetWeights());
    }
}
