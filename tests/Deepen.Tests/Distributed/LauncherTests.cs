using Deepen.Distributed;

namespace Deepen.Tests.Distributed;

public class LauncherTests
{
    [Fact]
    public void TheCommandLineSuitsOneMachine()
    {
        Assert.True(Launcher.FindMpirun() is not null, Launcher.InstallHint);
        var info = Launcher.CreateStartInfo(Environment.ProcessorCount + 1, "dotnet", ["train.dll", "--epochs", "2"]);
        var args = info.ArgumentList.ToList();
        Assert.Equal(Environment.UserName == "root", args.Contains("--allow-run-as-root"));
        Assert.Contains("--oversubscribe", args);                       // more ranks than cores
        Assert.Equal(new[] { "-np", (Environment.ProcessorCount + 1).ToString(), "dotnet", "train.dll", "--epochs", "2" }, args.Skip(args.IndexOf("-np")));
        Assert.Equal("self,vader", info.Environment["OMPI_MCA_btl"]);   // shared memory, no network
        Assert.Equal("lo", info.Environment["OMPI_MCA_oob_tcp_if_include"]);
        Assert.DoesNotContain("--oversubscribe", Launcher.CreateStartInfo(1, "dotnet", []).ArgumentList);
    }
}
