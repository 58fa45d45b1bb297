using Deepen.Training;
using ScottPlot;
using SkiaSharp;

namespace Deepen.Imaging.Figures;

/// <summary>
/// Training curves drawn with ScottPlot: one panel per quantity (the loss first, then each metric in the order
/// <c>Fit</c> recorded them), each with the training values and, when recorded, the <c>val_</c> values per epoch.
/// Panels are laid out two to a row.
/// </summary>
internal static class CurvesFigure
{
    public const int PanelWidth = 560, PanelHeight = 380;

    static readonly ScottPlot.Color TrainColor = ScottPlot.Color.FromHex("#1f77b4");
    static readonly ScottPlot.Color ValidationColor = ScottPlot.Color.FromHex("#ff7f0e");

    /// <summary>The quantities to plot: "loss" first, then the other names without the <c>val_</c> prefix.</summary>
    public static IReadOnlyList<string> Quantities(History history)
    {
        var names = history.Keys.Where(k => !k.StartsWith("val_", StringComparison.Ordinal)).ToList();
        foreach (var k in history.Keys)
            if (k.StartsWith("val_", StringComparison.Ordinal) && !names.Contains(k[4..])) names.Add(k[4..]);
        return names.OrderBy(n => n == "loss" ? 0 : 1).ToArray();
    }

    /// <summary>The figure's size for <paramref name="panels"/> panels.</summary>
    public static (int Width, int Height) Measure(int panels)
    {
        int columns = panels <= 1 ? 1 : 2, rows = Math.Max(1, (panels + 1) / 2);
        return (columns * PanelWidth, rows * PanelHeight);
    }

    /// <summary>Draws the curves, or returns null when the history has no epochs.</summary>
    public static RenderedFigure? Render(string fileName, History history)
    {
        var quantities = Quantities(history);
        if (history.Epochs.Count == 0 || quantities.Count == 0) return null;
        var (width, height) = Measure(quantities.Count);
        int columns = quantities.Count <= 1 ? 1 : 2;
        using var surface = FigureStyle.NewSurface(width, height);
        for (int i = 0; i < quantities.Count; i++)
        {
            // Each panel is drawn on its own surface (ScottPlot clears the canvas it renders on) and then copied in.
            var plot = Panel(history, quantities[i]);
            using var panel = FigureStyle.NewSurface(PanelWidth, PanelHeight);
            plot.Render(panel.Canvas, PanelWidth, PanelHeight);
            using var image = panel.Snapshot();
            surface.Canvas.DrawImage(image, i % columns * PanelWidth, i / columns * PanelHeight);
        }
        return FigureStyle.Encode(fileName, surface, width, height);
    }

    static Plot Panel(History history, string quantity)
    {
        var plot = new Plot();
        if (FigureStyle.HasFamily) plot.Font.Set(FigureStyle.FamilyName);
        var epochs = history.Epochs.Select(e => (double)(e + 1)).ToArray();
        bool train = AddLine(plot, epochs, history, quantity, "train", TrainColor);
        bool validation = AddLine(plot, epochs, history, "val_" + quantity, "validation", ValidationColor);
        bool schedule = quantity is "learning_rate" or "lr";

        // A legend only when there are two lines to tell apart; a lone line says in the title which it is.
        string only = train && !validation && !schedule ? " (training)" : validation && !train ? " (validation)" : "";
        plot.Title(Pretty(quantity) + only, 18);
        plot.XLabel("epoch", 15);
        plot.YLabel(quantity, 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (epochs.Length == 1) plot.Axes.SetLimitsX(0.5, 1.5);
        plot.Legend.IsVisible = false;
        if (train && validation)
        {
            plot.Legend.FontSize = 14;
            plot.ShowLegend(quantity.Contains("loss", StringComparison.OrdinalIgnoreCase) ? Alignment.UpperRight : Alignment.LowerRight);
        }
        return plot;
    }

    static bool AddLine(Plot plot, double[] epochs, History history, string key, string label, ScottPlot.Color color)
    {
        if (!history.Contains(key)) return false;
        var values = history[key];
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < Math.Min(values.Count, epochs.Length); i++)
            if (double.IsFinite(values[i])) { xs.Add(epochs[i]); ys.Add(values[i]); }
        if (xs.Count == 0) return false;
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = 2.5f;
        line.MarkerSize = 7;
        return true;
    }

    static string Pretty(string quantity)
    {
        var words = quantity.Replace('_', ' ');
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
