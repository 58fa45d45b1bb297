using System.Globalization;
using System.Text.Json.Nodes;
using Deepen.Callbacks;

namespace Deepen.Cli;

/// <summary>
/// The CLI's NaN policy: training stops at the first NaN or infinite loss (<see cref="TerminateOnNaN"/>), the
/// weights of the last finite epoch are what gets saved (without the diverged optimizer state), the run's files are
/// written, and the command then fails with <see cref="ExitCodes.Diverged"/> saying why.
/// </summary>
public static class Divergence
{
    /// <summary>The callback every CLI training adds last (so its restore runs after EarlyStopping's).</summary>
    public static TerminateOnNaN Guard() => new(restoreLastFiniteWeights: true);

    /// <summary>Whether training was stopped by a non-finite loss.</summary>
    public static bool Diverged(this TerminateOnNaN guard) => guard.TerminatedAtEpoch is not null;

    /// <summary>metrics.json's "diverged" entry: null, or where the loss became non-finite and which weights were kept.</summary>
    public static JsonNode? Json(TerminateOnNaN guard) => guard.TerminatedAtEpoch is not int epoch ? null : new JsonObject
    {
        ["epoch"] = epoch + 1,
        ["batch"] = guard.TerminatedAtBatch + 1,
        ["loss"] = double.IsNaN(guard.InvalidLoss ?? double.NaN) ? "NaN" : guard.InvalidLoss > 0 ? "Infinity" : "-Infinity",
        ["weights_of_epoch"] = guard.RestoredEpoch + 1,
    };

    /// <summary>Throws the diverged error (exit code 5) after the outputs were written, when training diverged.</summary>
    public static void ThrowIfDiverged(TerminateOnNaN guard, TrainOptions o, string modelPath)
    {
        if (guard.TerminatedAtEpoch is not int epoch) return;
        string loss = double.IsNaN(guard.InvalidLoss ?? double.NaN) ? "NaN" : "infinite";
        string kept = guard.RestoredEpoch is int restored && restored >= 0
            ? $"the weights after epoch {restored + 1}, the last with a finite loss"
            : "the initial weights (no epoch ended with a finite loss)";
        string lr = o.LearningRate is double rate ? $" (now {rate.ToString(CultureInfo.InvariantCulture)})" : "";
        throw new CliException(ExitCodes.Diverged,
            $"training diverged: the loss became {loss} in epoch {epoch + 1} (batch {guard.TerminatedAtBatch + 1}), so training stopped. " +
            $"{modelPath} holds {kept}, without the optimizer state. Lower the learning rate (--lr{lr}) or check the data for extreme values.");
    }
}
