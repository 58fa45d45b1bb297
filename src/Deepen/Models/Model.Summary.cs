using System.Globalization;
using System.Text;

namespace Deepen.Models;

public abstract partial class Model
{
    /// <summary>
    /// Prints Keras's summary table — layer name and type, output shape, parameter count — and the totals
    /// (trainable / non-trainable, with their size in memory). Returns the text.
    /// </summary>
    /// <param name="writer">Where to print; standard output by default, <see cref="TextWriter.Null"/> to only get the text.</param>
    /// <example><code>model.Summary();</code></example>
    public string Summary(TextWriter? writer = null)
    {
        var rows = Layers.Select(l => (Name: $"{l.Name} ({l.ClassName})",
                                        Shape: l.OutputShape?.ToBatchString() ?? "?",
                                        Params: l.Built ? l.CountParams().ToString("N0", CultureInfo.InvariantCulture) : "0 (unbuilt)")).ToList();
        int w1 = Math.Max(31, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        int w2 = Math.Max(22, rows.Select(r => r.Shape.Length).DefaultIfEmpty(0).Max());
        int w3 = Math.Max(13, rows.Select(r => r.Params.Length).DefaultIfEmpty(0).Max());
        string Line(char l, char fill, char mid, char r) =>
            l + new string(fill, w1 + 2) + mid + new string(fill, w2 + 2) + mid + new string(fill, w3 + 2) + r;

        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{Name}\"");
        sb.AppendLine(Line('┏', '━', '┳', '┓'));
        sb.AppendLine($"┃ {"Layer (type)".PadRight(w1)} ┃ {"Output Shape".PadRight(w2)} ┃ {"Param #".PadLeft(w3)} ┃");
        sb.AppendLine(Line('┡', '━', '╇', '┩'));
        for (int i = 0; i < rows.Count; i++)
        {
            sb.AppendLine($"│ {rows[i].Name.PadRight(w1)} │ {rows[i].Shape.PadRight(w2)} │ {rows[i].Params.PadLeft(w3)} │");
            if (i < rows.Count - 1) sb.AppendLine(Line('├', '─', '┼', '┤'));
        }
        sb.AppendLine(Line('└', '─', '┴', '┘'));
        long trainable = TrainableWeights.Sum(w => w.Count), total = CountParams();
        sb.AppendLine($" Total params: {Count(total)}");
        sb.AppendLine($" Trainable params: {Count(trainable)}");
        sb.AppendLine($" Non-trainable params: {Count(total - trainable)}");
        string text = sb.ToString();
        (writer ?? Console.Out).Write(text);
        return text;
    }

    static string Count(long n) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} ({MemorySize(n * 4)})";

    /// <summary>Keras's readable size: 1024-based, two decimals.</summary>
    internal static string MemorySize(long bytes)
    {
        string[] units = { "B", "KB", "MB", "GB", "TB" };
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return v.ToString("F2", CultureInfo.InvariantCulture) + " " + units[u];
    }
}
