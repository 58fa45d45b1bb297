using Deepen.Imaging.Figures;
using Deepen.Training;
using SkiaSharp;

namespace Deepen.Tests.Imaging;

public class CurvesFigureTests
{
    static History Recorded(params (string Key, double[] Values)[] series)
    {
        var history = new History();
        for (int e = 0; e < series[0].Values.Length; e++)
            history.Append(e, series.ToDictionary(s => s.Key, s => s.Values[e]));
        return history;
    }

    [Fact]
    public void LossComesFirstThenEachMetricOnce()
    {
        var history = Recorded(("accuracy", [0.5, 0.6]), ("loss", [1.0, 0.8]), ("val_loss", [1.1, 0.9]),
            ("val_accuracy", [0.4, 0.5]), ("learning_rate", [0.001, 0.0005]));
        Assert.Equal(new[] { "loss", "accuracy", "learning_rate" }, CurvesFigure.Quantities(history));
    }

    [Fact]
    public void PanelsAreLaidOutTwoToARow()
    {
        var history = Recorded(("loss", [1.0, 0.8, double.NaN]), ("accuracy", [0.5, 0.6, 0.7]), ("learning_rate", [0.1, 0.1, 0.05]));
        var figure = CurvesFigure.Render("curves.png", history)!;
        Assert.Equal((2 * CurvesFigure.PanelWidth, 2 * CurvesFigure.PanelHeight), (figure.Width, figure.Height));
        using var bitmap = SKBitmap.Decode(figure.Png);
        Assert.Equal((figure.Width, figure.Height), (bitmap.Width, bitmap.Height));
        Assert.Equal(CurvesFigure.Measure(1), (CurvesFigure.PanelWidth, CurvesFigure.PanelHeight));
    }

    [Fact]
    public void EmptyHistoryDrawsNothing() => Assert.Null(CurvesFigure.Render("curves.png", new History()));
}
