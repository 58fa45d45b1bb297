using Deepen.Callbacks;

namespace Deepen.Tests.Callbacks;

/// <summary>Test helper: a user-derived callback recording every hook it receives.</summary>
internal sealed class RecordingCallback : Callback
{
    public List<string> Events { get; } = new();
    public List<IDictionary<string, double>> EpochLogs { get; } = new();
    public List<double> LearningRates { get; } = new();
    public List<double> BatchLosses { get; } = new();

    public override void OnTrainBegin(IDictionary<string, double> logs) => Events.Add("train_begin");
    public override void OnTrainEnd(IDictionary<string, double> logs) => Events.Add("train_end");
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => Events.Add($"epoch_begin {epoch}");
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        Events.Add($"epoch_end {epoch}");
        EpochLogs.Add(new Dictionary<string, double>(logs));
        LearningRates.Add(Model.Optimizer!.LearningRate);
    }
    public override void OnTrainBatchEnd(int batch, Func<double> loss) => BatchLosses.Add(loss());
}
