using System.Globalization;
using System.Text;
using Deepen.Layers;

namespace Deepen.Models;

public partial class Model
{
    /// <summary>
    /// Prints Keras's summary table — layer name and type, output shape, parameter count and, for functional models,
    /// the "Connected to" column (the inputs of each call, as <c>layer[node][tensor]</c>) — and the totals
    /// (trainable / non-trainable, with their size in memory). Returns the text.
    /// </summary>
    /// <param name="writer">Where to print; standard output by default, <see cref="TextWriter.Null"/> to only get the text.</param>
    /// <example><code>model.Summary();</code></example>
    public string Summary(TextWriter? writer = null)
    {
        bool functional = _graph is not null;
        var rows = Layers.Select(l => new[]
        {
            new[] { $"{l.Name} ({l.ClassName})" },
            new[] { l.OutputShape?.ToBatchString() ?? "?" },
            new[] { l.Built ? l.CountParams().ToString("N0", CultureInfo.InvariantCulture) : "0 (unbuilt)" },
            functional ? ConnectedTo(l) : Array.Empty<string>(),
        }).ToList();
        string[] headers = functional ? new[] { "Layer (type)", "Output Shape", "Param #", "Connected to" }
                                      : new[] { "Layer (type)", "Output Shape", "Param #" };
        int[] minimum = { 31, 22, 13, 22 };
        var widths = headers.Select((h, c) => Math.Max(minimum[c], rows.SelectMany(r => r[c]).Select(s => s.Length).DefaultIfEmpty(0).Max())).ToArray();
        string Line(char l, char fill, char mid, char r) => l + string.Join(mid, widths.Select(w => new string(fill, w + 2))) + r;
        string Cell(string s, int c) => c == 2 ? s.PadLeft(widths[c]) : s.PadRight(widths[c]);

        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{Name}\"");
        sb.AppendLine(Line('┏', '━', '┳', '┓'));
        sb.AppendLine("┃ " + string.Join(" ┃ ", headers.Select(Cell)) + " ┃");
        sb.AppendLine(Line('┡', '━', '╇', '┩'));
        for (int i = 0; i < rows.Count; i++)
        {
            int height = rows[i].Take(headers.Length).Max(cell => Math.Max(1, cell.Length));
            for (int line = 0; line < height; line++)
                sb.AppendLine("│ " + string.Join(" │ ", Enumerable.Range(0, headers.Length)
                    .Select(c => Cell(line < rows[i][c].Length ? rows[i][c][line] : "", c))) + " │");
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

    /// <summary>Keras's "Connected to" cell: every input of every call of the layer, one per line, or "-".</summary>
    string[] ConnectedTo(Layer layer)
    {
        var g = _graph!;
        var refs = g.Nodes.Where(n => n.Layer == layer).SelectMany(n => n.Inputs)
            .Select(t => $"{t.Layer.Name}[{g.NodeIndex[t.Node]}][0]").ToList();
        if (refs.Count == 0) return new[] { "-" };
        return refs.Select((r, i) => i < refs.Count - 1 ? r + "," : r).ToArray();
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
