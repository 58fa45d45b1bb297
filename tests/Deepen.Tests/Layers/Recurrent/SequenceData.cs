namespace Deepen.Tests.Layers.Recurrent;

/// <summary>Generated token sequences for sequence-model tests.</summary>
internal static class SequenceData
{
    /// <summary>
    /// Sequences of <paramref name="length"/> ids where token 1 ("A") and token 2 ("B") each appear exactly once among
    /// filler tokens 3..(3 + fillers − 1); the label is 1 when A comes before B. Every sequence has the same bag of
    /// words up to the filler counts, so only the order tells the classes apart.
    /// </summary>
    public static (int[,] X, float[] Y) AThenB(int n, int length, int fillers, int seed)
    {
        var r = new Random(seed);
        var x = new int[n, length];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < length; t++) x[i, t] = 3 + r.Next(fillers);
            int a = r.Next(length), b;
            do b = r.Next(length); while (b == a);
            x[i, a] = 1;
            x[i, b] = 2;
            y[i] = a < b ? 1 : 0;
        }
        return (x, y);
    }
}
