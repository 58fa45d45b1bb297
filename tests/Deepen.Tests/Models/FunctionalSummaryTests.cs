using Deepen.Layers;
using Deepen.Models;

namespace Deepen.Tests.Models;

public class FunctionalSummaryTests
{
    [Fact]
    public void SummaryShowsTheConnectedToColumn()
    {
        var a = new Input(3, name: "a");
        var b = new Input(3, name: "b");
        var shared = new Dense(4, name: "shared");
        var sum = new Add(name: "sum").Call(shared.Call(a), shared.Call(b));
        var model = new Model([a, b], new Dense(1, name: "out").Call(sum), name: "siamese");
        string text = model.Summary(TextWriter.Null);
        var lines = text.Split('\n');
        Assert.StartsWith("Model: \"siamese\"", lines[0]);
        Assert.Contains("Connected to", lines[2]);
        string Row(string start) => lines.Single(l => l.StartsWith("│ " + start));
        Assert.EndsWith("│ -                      │", Row("a (InputLayer)").TrimEnd('\r'));
        // The shared layer lists both calls' inputs, one per line.
        var sharedRow = Array.FindIndex(lines, l => l.StartsWith("│ shared (Dense)"));
        Assert.Contains("│ a[0][0],", lines[sharedRow]);
        Assert.Contains("│ b[0][0]", lines[sharedRow + 1]);
        Assert.Contains("16", lines[sharedRow]);                       // 3×4 + 4, counted once
        var sumRow = Array.FindIndex(lines, l => l.StartsWith("│ sum (Add)"));
        Assert.Contains("shared[0][0],", lines[sumRow]);
        Assert.Contains("shared[1][0]", lines[sumRow + 1]);
        Assert.Contains("│ sum[0][0]", Row("out (Dense)"));
        Assert.Contains(" Total params: 21 ", text);
    }

    [Fact]
    public void SequentialSummaryHasNoConnectedToColumn()
    {
        var text = new Sequential(new Dense(2, inputShape: 3)).Summary(TextWriter.Null);
        Assert.DoesNotContain("Connected to", text);
    }
}
