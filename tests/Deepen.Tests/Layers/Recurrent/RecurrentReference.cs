namespace Deepen.Tests.Layers.Recurrent;

/// <summary>
/// Plain C# re-statements of Keras's cell equations (keras/src/layers/rnn/{simple_rnn,lstm,gru}.py) on one sample,
/// in double precision, from weights in torch layout [gates × units, in]; used to check the layers' numerics.
/// </summary>
internal static class RecurrentReference
{
    static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>row·W^T + b for W [rows, cols] flat, b optional (offset into a flat bias).</summary>
    static double[] Affine(double[] v, float[] w, int rows, float[]? b, int biasOffset = 0)
    {
        int cols = v.Length;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = b is null ? 0 : b[biasOffset + r];
            for (int c = 0; c < cols; c++) s += w[r * cols + c] * v[c];
            y[r] = s;
        }
        return y;
    }

    /// <summary>Runs an LSTM over <paramref name="xs"/> (steps × features); returns (h, c) after the last step.</summary>
    public static (double[] H, double[] C) Lstm(double[][] xs, float[] kernel, float[] recurrent, float[] bias, int units)
    {
        var h = new double[units];
        var c = new double[units];
        foreach (var x in xs)
        {
            var zx = Affine(x, kernel, 4 * units, bias);
            var zh = Affine(h, recurrent, 4 * units, null);
            var hNew = new double[units];
            for (int u = 0; u < units; u++)
            {
                double i = Sigmoid(zx[u] + zh[u]);
                double f = Sigmoid(zx[units + u] + zh[units + u]);
                double g = Math.Tanh(zx[2 * units + u] + zh[2 * units + u]);
                double o = Sigmoid(zx[3 * units + u] + zh[3 * units + u]);
                c[u] = f * c[u] + i * g;
                hNew[u] = o * Math.Tanh(c[u]);
            }
            h = hNew;
        }
        return (h, c);
    }

    /// <summary>Runs a GRU (Keras's equations, both reset_after variants); returns h after the last step.</summary>
    public static double[] Gru(double[][] xs, float[] kernel, float[] recurrent, float[] bias, int units, bool resetAfter)
    {
        var h = new double[units];
        foreach (var x in xs)
        {
            var zx = Affine(x, kernel, 3 * units, bias);                                   // input bias = bias[0]
            var hNew = new double[units];
            if (resetAfter)
            {
                var zh = Affine(h, recurrent, 3 * units, bias, 3 * units);                   // recurrent bias = bias[1]
                for (int u = 0; u < units; u++)
                {
                    double z = Sigmoid(zx[u] + zh[u]), r = Sigmoid(zx[units + u] + zh[units + u]);
                    double hh = Math.Tanh(zx[2 * units + u] + r * zh[2 * units + u]);
                    hNew[u] = z * h[u] + (1 - z) * hh;
                }
            }
            else
            {
                var zh = Affine(h, recurrent, 3 * units, null);
                var z = new double[units];
                var rh = new double[units];
                for (int u = 0; u < units; u++)
                {
                    z[u] = Sigmoid(zx[u] + zh[u]);
                    rh[u] = Sigmoid(zx[units + u] + zh[units + u]) * h[u];
                }
                var candidateWeights = recurrent.Skip(2 * units * units).ToArray();
                var zr = Affine(rh, candidateWeights, units, null);
                for (int u = 0; u < units; u++)
                    hNew[u] = z[u] * h[u] + (1 - z[u]) * Math.Tanh(zx[2 * units + u] + zr[u]);
            }
            h = hNew;
        }
        return h;
    }

    /// <summary>Runs a SimpleRNN with tanh; returns h after the last step.</summary>
    public static double[] Simple(double[][] xs, float[] kernel, float[] recurrent, float[] bias, int units)
    {
        var h = new double[units];
        foreach (var x in xs)
        {
            var zx = Affine(x, kernel, units, bias);
            var zh = Affine(h, recurrent, units, null);
            h = zx.Zip(zh, (a, b) => Math.Tanh(a + b)).ToArray();
        }
        return h;
    }
}
