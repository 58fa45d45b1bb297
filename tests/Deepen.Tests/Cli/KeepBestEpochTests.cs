using System.Globalization;
using System.Text.Json;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Cli;

/// <summary>
/// <c>deepen train</c> saves the best validation epoch's weights by default, and the last epoch's with --keep-last.
/// The runs validate and test on the same folder, so the saved model's test accuracy must equal the kept epoch's
/// val_accuracy in history.csv. SGD with a learning rate too large (2) makes the run degrade on purpose after its best epoch.
/// </summary>
public class KeepBestEpochTests
{
    static (string[][] Rows, JsonElement Metrics, CliResult Result) Train(TempDir dir, string name, params string[] extra)
    {
        string data = Path.Combine(dir.Path, "data");
        if (!Directory.Exists(data)) TextRunFixture.Write(data, ["spam", "ham"], 24, 7);
        string output = Path.Combine(dir.Path, name);
        var result = DeepenRunner.Expect(0, ["train", "--text", "--model", "text-bow", "--train", data, "--val", data, "--test", data,
            "--out", output, "--epochs", "5", "--batch-size", "8", "--optimizer", "sgd", "--lr", "2", "--seed", "3", .. extra]);
        var rows = File.ReadAllLines(Path.Combine(output, "history.csv")).Select(l => l.Split(',')).ToArray();
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement.Clone();
        return (rows, metrics, result);
    }

    static double Cell(string[][] rows, int epoch, string column) =>
        double.Parse(rows[epoch][Array.IndexOf(rows[0], column)], CultureInfo.InvariantCulture);

    [Fact]
    public void TheSavedModelIsTheBestValidationEpochsAndTheOutputSaysSo()
    {
        using var dir = new TempDir();
        var (rows, metrics, result) = Train(dir, "best");
        int epochs = rows.Length - 1;
        int best = Enumerable.Range(1, epochs).MinBy(e => Cell(rows, e, "val_loss"));
        Assert.True(best < epochs, "the run should degrade after its best epoch (sgd, lr 2):\n" + string.Join('\n', rows.Select(r => string.Join(',', r))));
        Assert.True(Cell(rows, epochs, "val_accuracy") < Cell(rows, best, "val_accuracy"), "the last epoch should be less accurate than the best");
        Assert.Equal(best, metrics.GetProperty("kept_epoch").GetInt32());
        Assert.Equal("best_val_loss", metrics.GetProperty("kept").GetString());
        Assert.Equal(Cell(rows, best, "val_accuracy"), metrics.GetProperty("test").GetProperty("accuracy").GetDouble(), 5);
        Assert.Equal(Math.Round(Cell(rows, best, "val_loss"), 6), metrics.GetProperty("validation").GetProperty("loss").GetDouble(), 6);
        Assert.Contains($"Saved the weights of epoch {best} of {epochs}, the best val_loss", result.Out);
    }

    [Fact]
    public void KeepLastSavesTheLastEpoch()
    {
        using var dir = new TempDir();
        var (rows, metrics, result) = Train(dir, "last", "--keep-last");
        int epochs = rows.Length - 1;
        Assert.Equal(epochs, metrics.GetProperty("kept_epoch").GetInt32());
        Assert.Equal("last", metrics.GetProperty("kept").GetString());
        Assert.Equal(Cell(rows, epochs, "val_accuracy"), metrics.GetProperty("test").GetProperty("accuracy").GetDouble(), 5);
        Assert.Contains($"Saved the weights of the last epoch ({epochs}).", result.Out);
    }
}
