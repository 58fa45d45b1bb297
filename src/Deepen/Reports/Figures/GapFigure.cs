using Deepen.Imaging.Figures;
using ScottPlot;

namespace Deepen.Reports.Figures;

/// <summary>
/// The generalization gap drawn with ScottPlot, two panels: training and validation loss per epoch with the epoch
/// where overfitting began marked; and the gap itself (validation − training loss, and training − validation
/// accuracy when recorded).
/// </summary>
internal static class GapFigure
{
    const int PanelWidth = CurvesFigure.PanelWidth, PanelHeight = CurvesFigure.PanelHeight;

    public static RenderedFigure Render(string fileName, GeneralizationGap gap)
    {
        int width = 2 * PanelWidth, height = PanelHeight;
        using var surface = FigureStyle.NewSurface(width, height);
        var epochs = Enumerable.Range(1, gap.Epochs).Select(e => (double)e).ToArray();
        var panels = new[] { LossPanel(gap, epochs), GapPanel(gap, epochs) };
        for (int i = 0; i < panels.Length; i++)
        {
            using var panel = FigureStyle.NewSurface(PanelWidth, PanelHeight);
            panels[i].Render(panel.Canvas, PanelWidth, PanelHeight);
            using var image = panel.Snapshot();
            surface.Canvas.DrawImage(image, i * PanelWidth, 0);
        }
        return FigureStyle.Encode(fileName, surface, width, height);
    }

    static Plot LossPanel(GeneralizationGap gap, double[] epochs)
    {
        var plot = NewPlot(gap.OverfittingEpoch is int e ? $"Loss: overfitting began after epoch {e}" : "Loss: no sign of overfitting", "loss", epochs.Length);
        Line(plot, epochs, gap.TrainLoss, "train", "#1f77b4");
        Line(plot, epochs, gap.ValidationLoss, "validation", "#ff7f0e");
        if (gap.OverfittingEpoch is int epoch)
        {
            var line = plot.Add.VerticalLine(epoch);
            line.Color = ScottPlot.Color.FromHex("#d01c1c");
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 2;
            line.LegendText = "lowest validation loss";
        }
        plot.Legend.FontSize = 13;
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    static Plot GapPanel(GeneralizationGap gap, double[] epochs)
    {
        var plot = NewPlot("Generalization gap", "gap", epochs.Length);
        Line(plot, epochs, gap.LossGap, "val loss − train loss", "#9467bd");
        if (gap.AccuracyGap is { } accuracy) Line(plot, epochs, accuracy, "train acc − val acc", "#2ca02c");
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = ScottPlot.Color.FromHex("#888888");
        zero.LineWidth = 1;
        plot.Legend.FontSize = 13;
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    static Plot NewPlot(string title, string yLabel, int epochs)
    {
        var plot = new Plot();
        if (FigureStyle.HasFamily) plot.Font.Set(FigureStyle.FamilyName);
        plot.Title(title, 17);
        plot.XLabel("epoch", 15);
        plot.YLabel(yLabel, 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (epochs == 1) plot.Axes.SetLimitsX(0.5, 1.5);
        return plot;
    }

    static void Line(Plot plot, double[] epochs, IReadOnlyList<double> values, string label, string colour)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < Math.Min(values.Count, epochs.Length); i++)
            if (double.IsFinite(values[i])) { xs.Add(epochs[i]); ys.Add(values[i]); }
        if (xs.Count == 0) return;
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.LegendText = label;
        line.Color = ScottPlot.Color.FromHex(colour);
        line.LineWidth = 2.5f;
        line.MarkerSize = 6;
    }
}
