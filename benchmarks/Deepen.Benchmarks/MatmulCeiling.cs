using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Benchmarks;

/// <summary>
/// The machine's matrix-multiply ceilings through LibTorch: GFLOP/s of an n×n by n×n product in float32 and in
/// bfloat16 (median of a few runs), the reference for each workload's achieved GFLOP/s.
/// </summary>
public static class MatmulCeiling
{
    public static string Measure(ScalarType dtype, int n, int runs = 5)
    {
        using var a = rand(n, n).to(dtype);
        using var b = rand(n, n).to(dtype);
        using (var warm = a.mm(b)) { }
        var seconds = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            using (var c = a.mm(b)) { }
            seconds.Add(sw.Elapsed.TotalSeconds);
        }
        double gflops = 2.0 * n * n * n / Stats.Median(seconds) / 1e9;
        return $"{{\"workload\":\"matmul\",\"dtype\":\"{dtype}\",\"n\":{n},\"gflops\":{Math.Round(gflops, 1).ToString(CultureInfo.InvariantCulture)},\"threads\":{torch.get_num_threads()}}}";
    }
}
