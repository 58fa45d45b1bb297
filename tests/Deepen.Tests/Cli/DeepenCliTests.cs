namespace Deepen.Tests.Cli;

/// <summary>The <c>deepen</c> root command: help on every command, a missing or unknown command.</summary>
public class DeepenCliTests
{
    [Theory]
    [InlineData("train", "--train", "--val-split", "--augment", "--early-stopping")]
    [InlineData("evaluate", "--model", "--data", "--json", "--no-report")]
    [InlineData("predict", "--model", "PATH", "--top-k", "--csv")]
    [InlineData("audit", "DIR", "--against", "--strict")]
    [InlineData("summary", "--model")]
    [InlineData("demo", "--out", "--epochs")]
    [InlineData("explain", "--model", "IMAGE", "--method", "gradcam", "gradcam++", "scorecam", "saliency", "smoothgrad", "--layer", "--class", "--out", "--json")]
    [InlineData("features", "--model", "IMAGE", "--layer", "--out")]
    public void EveryCommandHasHelp(string command, params string[] options)
    {
        var r = DeepenRunner.Expect(0, command, "--help");
        // The usage line starts with the executable's name: deepen as a tool, Deepen.Cli under dotnet run, testhost here.
        Assert.Matches($@"Usage:\s+\S+ {command}\b", r.Out);
        Assert.All(options, o => Assert.Contains(o, r.Out));
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void RootHelpListsTheCommands()
    {
        var r = DeepenRunner.Expect(0, "--help");
        Assert.All(new[] { "train", "evaluate", "predict", "audit", "summary", "explain", "features", "demo" }, c => Assert.Contains(c, r.Out));
    }

    [Fact]
    public void AMissingOrUnknownCommandExitsTwo()
    {
        DeepenRunner.ExpectError(2, Array.Empty<string>(), "command");
        DeepenRunner.ExpectError(2, new[] { "frobnicate" }, "frobnicate");
    }
}
