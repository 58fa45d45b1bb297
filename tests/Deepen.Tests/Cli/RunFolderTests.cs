using System.Diagnostics;
using Deepen.Cli;
using Deepen.Models;

namespace Deepen.Tests.Cli;

/// <summary>Crash safety of <c>deepen train</c>: --resume after kill -9, the lock on --out, stale and orphaned files.</summary>
[Collection(CliCollection.Name)]
public class RunFolderTests(TrainedModelFixture f)
{
    const int Epochs = 4;

    static float[][] Weights(string model)
    {
        using var m = Model.Load(model, compile: false);
        return m.Weights.Select(w => w.Value.data<float>().ToArray()).ToArray();
    }

    /// <summary>Starts <c>deepen</c> in a child process (so it can be killed with SIGKILL), from the test's own build.</summary>
    static Process StartChild(string[] args)
    {
        string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OMP_NUM_THREADS"] = "1";             // as the test process (AssemblyInfo): float sums must add up alike
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Deepen.Cli.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var p = Process.Start(start)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    [Fact]
    public void KillNineAfterEpochTwoThenResumeEndsWithTheUninterruptedWeights()
    {
        string[] Args(string output, params string[] extra) =>
            TrainedModelFixture.TrainArgs(f.Multi.Train, output, Epochs, ["--augment", "flip", .. extra]);   // small-cnn has Dropout: LibTorch's RNG matters

        string reference = f.NewFolder("uninterrupted");
        DeepenRunner.Expect(0, Args(reference));

        string killed = f.NewFolder("killed");
        using (var child = StartChild(Args(killed)))
        {
            string pointer = Path.Combine(killed, ".backup", "latest");
            var clock = Stopwatch.StartNew();
            while (!(File.Exists(pointer) && string.CompareOrdinal(Read(pointer), "epoch-00002") >= 0))
            {
                Assert.False(child.HasExited, $"the child run ended (exit {(child.HasExited ? child.ExitCode : 0)}) before it could be killed");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the child run did not reach epoch 2");
                Thread.Sleep(5);
            }
            child.Kill(entireProcessTree: true);                // SIGKILL: no finally blocks, no cleanup
            child.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(killed, "metrics.json")));

        var resumed = DeepenRunner.Expect(0, Args(killed, "--resume"));
        var expected = Weights(Path.Combine(reference, "model.deepen"));
        var actual = Weights(Path.Combine(killed, "model.deepen"));
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);
        Assert.Equal(File.ReadAllText(Path.Combine(reference, "history.csv")), File.ReadAllText(Path.Combine(killed, "history.csv")));
        Assert.False(Directory.Exists(Path.Combine(killed, ".backup")), resumed.ToString());
    }

    static string Read(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return ""; }
    }

    [Fact]
    public void ASecondRunIntoALockedFolderIsRefused()
    {
        string output = f.NewFolder("locked");
        using (new FileStream(Path.Combine(output, ".deepen.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            DeepenRunner.ExpectError(ExitCodes.BadInput, TrainedModelFixture.TrainArgs(f.Multi.Train, output, 1), "in use by another deepen run");
        Assert.False(File.Exists(Path.Combine(output, "model.deepen")));
        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(f.Multi.Train, output, 1));    // released: the next run may write
        Assert.False(File.Exists(Path.Combine(output, ".deepen.lock")));
    }

    [Fact]
    public void ANewRunClearsThePreviousRunsOutputsAndOrphanedTemporaryFilesButNotOtherFiles()
    {
        string output = f.NewFolder("stale");
        Directory.CreateDirectory(Path.Combine(output, "report"));
        File.WriteAllText(Path.Combine(output, "report", "old-figure.png"), "from an earlier run");
        File.WriteAllText(Path.Combine(output, "model.deepen.tmp-1234-0123456789abcdef"), "a save killed half-way");
        File.WriteAllText(Path.Combine(output, "notes.txt"), "the user's own file");
        DeepenRunner.Expect(0, TrainedModelFixture.TrainArgs(f.Multi.Train, output, 1));
        Assert.False(File.Exists(Path.Combine(output, "report", "old-figure.png")));
        Assert.Empty(Directory.GetFiles(output, "*.tmp-*"));
        Assert.True(File.Exists(Path.Combine(output, "notes.txt")));
    }

    [Fact]
    public void AnOutputFolderInsideTheTrainingFolderIsRefused()
    {
        string train = CliFiles.CopyFolder(f.Multi.Train, Path.Combine(f.NewFolder("inside"), "train"));
        DeepenRunner.ExpectError(ExitCodes.Usage, TrainedModelFixture.TrainArgs(train, Path.Combine(train, "out"), 1), "inside --train");
        Assert.False(Directory.Exists(Path.Combine(train, "out")));
    }
}
