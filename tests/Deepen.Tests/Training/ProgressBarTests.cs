using Deepen.Training;

namespace Deepen.Tests.Training;

public class ProgressBarTests
{
    static readonly KeyValuePair<string, double>[] Values =
    {
        new("val_loss", 0.4321), new("loss", 0.69314), new("val_accuracy", 0.75), new("accuracy", 0.53125), new("learning_rate", 0.001),
    };

    [Fact]
    public void FinishWritesKerasLineWithValidationValuesLast()
    {
        var writer = new StringWriter();
        var bar = new ProgressBar(7, writer, live: false);
        bar.Finish(7, Values);
        string text = writer.ToString();
        Assert.EndsWith(Environment.NewLine, text);
        string line = text.TrimEnd('\r', '\n');
        Assert.Matches(@"^\s*7/7 ━{20} \d+s \d+(ms|s|us)/step - accuracy: 0\.\d{4} - loss: \d\.\d{4} - val_accuracy: 0\.\d{4} - val_loss: \d\.\d{4}$", line);
        Assert.Contains("accuracy: 0.5312 - loss: 0.6931 - val_accuracy: 0.7500 - val_loss: 0.4321", line); // 4 decimals, as Keras
        Assert.DoesNotContain("learning_rate", line);
        Assert.False(line.Contains('\u001b'), "no colour codes when not live");
    }

    [Fact]
    public void NonLiveUpdatesWriteNothing()
    {
        var writer = new StringWriter();
        var bar = new ProgressBar(3, writer, live: false);
        Assert.False(bar.ShouldDraw(1));
        bar.Update(1, Values);
        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public void PartialBarIsPaddedToTwentyColumns()
    {
        var writer = new StringWriter();
        new ProgressBar(10, writer, live: false).Finish(4, Array.Empty<KeyValuePair<string, double>>());
        Assert.Matches(@"^ 4/10 ━{8} {12} \d+s \d+(ms|s|us)/step\r?\n$", writer.ToString());
    }

    [Fact]
    public void LiveRedrawsInPlace()
    {
        var writer = new StringWriter();
        var bar = new ProgressBar(2, writer, live: true);
        Assert.True(bar.ShouldDraw(2));
        bar.Update(1, Values);
        bar.Finish(2, Values);
        string text = writer.ToString();
        Assert.StartsWith("\r", text);
        Assert.Equal(2, text.Count(c => c == '\r'));
        Assert.EndsWith(Environment.NewLine, text);
    }

    [Fact]
    public void ValuesAreOrderedTrainingThenValidationEachAlphabetically()
    {
        var ordered = ProgressBar.Order(new Dictionary<string, double> { ["val_loss"] = 1, ["loss"] = 1, ["val_auc"] = 1, ["auc"] = 1, ["accuracy"] = 1 });
        Assert.Equal(new[] { "accuracy", "auc", "loss", "val_auc", "val_loss" }, ordered.Select(kv => kv.Key));
    }

    [Fact]
    public void SmallValuesUseScientificNotation()
    {
        Assert.Equal("0.6931", ProgressBar.FormatValue(0.693147));
        Assert.Equal("1.2346e-05", ProgressBar.FormatValue(1.23456e-5));
        Assert.Equal("0.0000", ProgressBar.FormatValue(0));
        Assert.Equal("nan", ProgressBar.FormatValue(double.NaN)); // as Keras prints it
    }
}
