using Deepen.Cli;
using Deepen.Tests.Data;
using Deepen.Tests.Distributed;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Cli;

/// <summary><c>deepen train --workers N</c>: the same command as N MPI ranks on this machine.</summary>
public class WorkersLaunchTests
{
    [Fact]
    public void TwoWorkersTrainAndRankZeroAloneWritesAndPrints()
    {
        using var dir = new TempDir();
        for (int c = 0; c < 2; c++)
        {
            Directory.CreateDirectory(dir.File($"data/c{c}"));
            for (int i = 0; i < 12; i++) TestImages.Png(dir.File($"data/c{c}/{i}.png"), 16, 16, TestImages.Pattern(c * 100 + i));
        }
        var result = MpiJob.Run(1, MpiJob.Cli, "train", "--workers", "2", "--train", dir.File("data"), "--val-split", "0.25", "--out", dir.File("out"),
            "--image-size", "16", "--model", "small-cnn", "--epochs", "2", "--batch-size", "8", "--seed", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var file in new[] { "model.deepen", "history.csv", "metrics.json", "audit.json", "report/index.html" })
            Assert.True(File.Exists(dir.File("out/" + file)), $"missing {file}\n{result}");
        Assert.Single(result.Out.Split('\n'), l => l.StartsWith("Report: ", StringComparison.Ordinal));
        Assert.Single(result.Out.Split('\n'), l => l.StartsWith("Epoch 2/2", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutMpirunTheErrorSaysWhatToInstall()
    {
        using var dir = new TempDir();
        var info = new System.Diagnostics.ProcessStartInfo(MpiJob.Dotnet) { UseShellExecute = false };
        foreach (var a in new[] { MpiJob.Cli, "train", "--workers", "2", "--train", dir.Path, "--out", dir.File("out") }) info.ArgumentList.Add(a);
        info.Environment["PATH"] = dir.Path;                          // no mpirun there
        var result = MpiJob.Start(info);
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("--workers needs MPI: mpirun was not found on the PATH. Install Open MPI", result.Err);
    }

    [Fact]
    public void TheRanksDoNotLaunchAgain()
    {
        Assert.Equal(new[] { "train", "--train", "d", "--epochs", "2" },
            WorkersLaunch.WithoutWorkers(["train", "--workers", "2", "--train", "d", "--workers=3", "--epochs", "2"]));
    }

    [Fact]
    public void ZeroWorkersIsAUsageError()
    {
        var result = DeepenRunner.Run("train", "--workers", "0", "--train", "x", "--out", "y");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Invalid value for --workers: 0", result.Err);
    }
}
