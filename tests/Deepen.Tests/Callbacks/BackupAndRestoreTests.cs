using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Callbacks;

/// <summary>Keras's BackupAndRestore semantics (keras/src/callbacks/backup_and_restore_test.py: interrupt, then resume).</summary>
public class BackupAndRestoreTests
{
    sealed class CrashAfterEpoch(int epoch) : Callback
    {
        public override void OnEpochEnd(int e, IDictionary<string, double> logs)
        {
            if (e == epoch) throw new InvalidOperationException("simulated crash");
        }
    }

    static (float[,] X, float[] Y) Data()
    {
        var r = new Random(3);
        var x = new float[40, 4];
        var y = new float[40];
        for (int i = 0; i < 40; i++) { for (int j = 0; j < 4; j++) x[i, j] = (float)r.NextDouble(); y[i] = x[i, 0] + x[i, 1] > 1 ? 1 : 0; }
        return (x, y);
    }

    /// <summary>Dropout draws from LibTorch's generator and Adam keeps moments: both must be restored for equality.</summary>
    static Sequential NewModel(int seed)
    {
        Backend.SetRandomSeed(seed);
        var model = new Sequential(new Dense(16, activation: "relu", inputShape: 4), new Dropout(0.5), new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        return model;
    }

    [Fact]
    public void AResumedRunEndsBitwiseIdenticalToAnUninterruptedOne()
    {
        var (x, y) = Data();
        var reference = NewModel(7);
        var full = reference.Fit(x, y, epochs: 4, batchSize: 8, verbose: 0);          // shuffled: each epoch's order must repeat

        using var dir = new TempDir();
        string backupDir = dir.File("backup");
        var first = NewModel(7);
        Assert.Throws<InvalidOperationException>(() =>
            first.Fit(x, y, epochs: 4, batchSize: 8, verbose: 0, callbacks: [new BackupAndRestore(backupDir), new CrashAfterEpoch(1)]));
        Assert.True(Directory.Exists(backupDir));

        // The same command again (same seed): the backup replaces the initial weights, optimizer and RNG state.
        var resumed = NewModel(7);
        var backup = new BackupAndRestore(backupDir);
        var rest = resumed.Fit(x, y, epochs: 4, batchSize: 8, verbose: 0, callbacks: [backup]);

        Assert.Equal(1, backup.RestoredEpoch);
        Assert.Equal(new[] { 2, 3 }, rest.Epochs);
        Assert.Equal(new[] { 0, 1, 2, 3 }, backup.RunHistory.Epochs);
        Assert.Equal(full["loss"], backup.RunHistory["loss"]);
        var expected = reference.GetWeights();
        var actual = resumed.GetWeights();
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].data<float>().ToArray(), actual[i].data<float>().ToArray());
        Assert.False(Directory.Exists(backupDir));               // deleted when training ends
    }

    [Fact]
    public void WithoutABackupTrainingStartsFromTheFirstEpoch()
    {
        var (x, y) = Data();
        using var dir = new TempDir();
        var backup = new BackupAndRestore(dir.File("none"), deleteCheckpoint: false);
        var history = NewModel(8).Fit(x, y, epochs: 2, batchSize: 8, verbose: 0, callbacks: [backup]);
        Assert.Null(backup.RestoredEpoch);
        Assert.Equal(new[] { 0, 1 }, history.Epochs);
        Assert.True(backup.HasBackup);                           // kept: deleteCheckpoint is false
    }

    [Fact]
    public void ABackupOfAnotherModelIsRefused()
    {
        var (x, y) = Data();
        using var dir = new TempDir();
        NewModel(9).Fit(x, y, epochs: 1, batchSize: 8, verbose: 0, callbacks: [new BackupAndRestore(dir.File("b"), deleteCheckpoint: false)]);
        Backend.SetRandomSeed(9);
        var other = new Sequential(new Dense(1, activation: "sigmoid", inputShape: 4));
        other.Compile("adam", "binary_crossentropy");
        var e = Assert.Throws<InvalidOperationException>(() => other.Fit(x, y, epochs: 2, verbose: 0, callbacks: [new BackupAndRestore(dir.File("b"))]));
        Assert.Contains("another model", e.Message);
    }
}
