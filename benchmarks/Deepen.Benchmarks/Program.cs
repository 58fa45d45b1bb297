using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Benchmarks;

/// <summary>
/// Usage: dotnet run -c Release -- SIDE WORKLOAD [--warmup N] [--steps N] [--threads N]
///   SIDE: raw (hand-written TorchSharp loops), deepen (the same models through Model.Fit), or compare (both,
///         interleaved over --rounds rounds, then Deepen's median over the faster raw layout's median)
///   WORKLOAD: seed | mnist | mlp | all
/// or:    dotnet run -c Release -- fashion [DATA_DIR] [--epochs 2] [--batch-size 128] [--policy float32|mixed_bfloat16]
///        (Deepen's side of benchmarks/pytorch/fashion_mnist.py: small CNN on the full Fashion-MNIST, one JSON line)
/// or:    dotnet run -c Release -- ceiling   (fp32 and bf16 matmul GFLOP/s)
/// or:    dotnet run -c Release -- onnx [--threads 2] [--rounds 3] [--steps 10]   (Predict vs ONNX Runtime: seed CNN, ResNet-18)
/// or:    dotnet run -c Release -- profile [--threads 2] [--rounds 3]   (where Predict's time goes on the seed CNN: chunk sizes, layers, raw convolutions)
/// or:    dotnet run -c Release -- check   (channels-last sanity check of the raw TorchSharp side)
/// Prints one JSON line per (workload, layout), in the format of benchmarks/pytorch/train_step.py.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var pos = new List<string>();
        int warmup = RawTorchSharp.DefaultWarmup, steps = RawTorchSharp.DefaultSteps, threads = 2, rounds = 3, epochs = 2, batchSize = 128;
        string policy = "float32";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--warmup": warmup = int.Parse(args[++i]); break;
                case "--steps": steps = int.Parse(args[++i]); break;
                case "--threads": threads = int.Parse(args[++i]); break;
                case "--rounds": rounds = int.Parse(args[++i]); break;
                case "--epochs": epochs = int.Parse(args[++i]); break;
                case "--batch-size": batchSize = int.Parse(args[++i]); break;
                case "--policy": policy = args[++i]; break;
                case "-h" or "--help": return Usage(0);
                default: pos.Add(args[i]); break;
            }
        }
        if (pos.Count == 1 && pos[0] == "onnx")
        {
            OnnxInference.Run(threads, warmup == RawTorchSharp.DefaultWarmup ? 3 : warmup, steps == RawTorchSharp.DefaultSteps ? 10 : steps, rounds);
            return 0;
        }
        if (pos.Count == 1 && pos[0] == "profile")
        {
            PredictProfile.Run(threads, rounds);
            return 0;
        }
        if (pos.Count == 1 && pos[0] == "check")
        {
            torch.set_num_threads(threads);
            Console.WriteLine(RawTorchSharp.ChannelsLastCheck());
            return 0;
        }
        if (pos.Count == 1 && pos[0] == "ceiling")
        {
            torch.set_num_threads(threads);
            Console.WriteLine(MatmulCeiling.Measure(ScalarType.Float32, 2048));
            // Without native bf16 instructions LibTorch emulates bf16 at well under 1 GFLOP/s: a smaller product.
            Console.WriteLine(MatmulCeiling.Measure(ScalarType.BFloat16, MixedPrecision.DTypePolicy.HardwareSupportsBFloat16() ? 2048 : 384, runs: 3));
            return 0;
        }
        if (pos.Count >= 1 && pos[0] == "fashion")
        {
            torch.set_num_threads(threads);
            string data = pos.Count > 1 ? pos[1] : "data/fashion-mnist";
            Console.WriteLine(FashionMnistRun.Run(data, epochs, batchSize, policy));
            return 0;
        }
        if (pos.Count != 2) return Usage(2);
        string side = pos[0], workload = pos[1];
        var workloads = workload == "all" ? new[] { "seed", "mnist", "mlp" } : new[] { workload };
        if (workloads.Any(w => w is not ("seed" or "mnist" or "mlp"))) return Usage(2);

        torch.set_num_threads(threads);
        var extra = new Dictionary<string, object>
        {
            ["warmup"] = warmup, ["threads"] = torch.get_num_threads(), ["version"] = "TorchSharp 0.107.0",
        };

        switch (side)
        {
            case "raw":
                foreach (var w in workloads)
                    foreach (var (layout, run) in RawCases(w, warmup, steps))
                        Console.WriteLine(Stats.JsonLine("torchsharp-raw", w, layout, run(), extra));
                return 0;
            case "deepen":
                foreach (var w in workloads)
                    foreach (var (layout, run) in DeepenCases(w, warmup, steps))
                        Console.WriteLine(Stats.JsonLine("deepen", w, layout, run(), extra));
                return 0;
            case "compare":
                foreach (var w in workloads) Compare(w, warmup, steps, rounds, extra);
                return 0;
            default:
                return Usage(2);
        }
    }

    /// <summary>
    /// Runs every raw and Deepen case of a workload in turn, <paramref name="rounds"/> times (so machine noise hits
    /// all of them alike), then prints each case's statistics and Deepen's overhead over the faster raw loop.
    /// </summary>
    static void Compare(string workload, int warmup, int steps, int rounds, Dictionary<string, object> extra)
    {
        var cases = RawCases(workload, warmup, steps).Select(c => (Framework: "torchsharp-raw", c.Layout, c.Run))
            .Concat(DeepenCases(workload, warmup, steps).Select(c => (Framework: "deepen", c.Layout, c.Run))).ToList();
        var times = cases.Select(_ => new List<double>()).ToList();
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < cases.Count; i++) times[i].AddRange(cases[i].Run());
        for (int i = 0; i < cases.Count; i++)
            Console.WriteLine(Stats.JsonLine(cases[i].Framework, workload, cases[i].Layout, times[i],
                extra.Append(KeyValuePair.Create("rounds", (object)rounds))));
        double bestRaw = Enumerable.Range(0, cases.Count).Where(i => cases[i].Framework == "torchsharp-raw").Min(i => Stats.Median(times[i]));
        for (int i = 0; i < cases.Count; i++)
            if (cases[i].Framework == "deepen")
                Console.WriteLine($"{{\"workload\":\"{workload}\",\"deepen_layout\":\"{cases[i].Layout}\",\"deepen_over_best_raw\":{Math.Round(Stats.Median(times[i]) / bestRaw, 4).ToString(System.Globalization.CultureInfo.InvariantCulture)}}}");
    }

    static IEnumerable<(string Layout, Func<List<double>> Run)> DeepenCases(string workload, int warmup, int steps) =>
        workload switch
        {
            "seed" => new (string, Func<List<double>>)[]
            {
                ("keras_nhwc", () => DeepenSide.Seed(false, warmup, steps)),
                ("keras_nhwc_acc", () => DeepenSide.Seed(true, warmup, steps)),
            },
            "mnist" => new (string, Func<List<double>>)[]
            {
                ("keras_nhwc", () => DeepenSide.Mnist(false, warmup, steps)),
                ("keras_nhwc_acc", () => DeepenSide.Mnist(true, warmup, steps)),
            },
            "mlp" => new (string, Func<List<double>>)[]
            {
                ("flat", () => DeepenSide.Mlp(false, warmup, steps)),
                ("flat_acc", () => DeepenSide.Mlp(true, warmup, steps)),
            },
            _ => throw new ArgumentException(workload),
        };

    static IEnumerable<(string Layout, Func<List<double>> Run)> RawCases(string workload, int warmup, int steps) =>
        workload switch
        {
            "seed" => new (string, Func<List<double>>)[]
            {
                ("nchw", () => RawTorchSharp.Seed(false, warmup, steps)),
                ("channels_last", () => RawTorchSharp.Seed(true, warmup, steps)),
            },
            "mnist" => new (string, Func<List<double>>)[]
            {
                ("nchw", () => RawTorchSharp.Mnist(false, warmup, steps)),
                ("channels_last", () => RawTorchSharp.Mnist(true, warmup, steps)),
            },
            "mlp" => new (string, Func<List<double>>)[] { ("flat", () => RawTorchSharp.Mlp(warmup, steps)) },
            _ => throw new ArgumentException(workload),
        };

    static int Usage(int rc)
    {
        (rc == 0 ? Console.Out : Console.Error).WriteLine(
            "usage: Deepen.Benchmarks raw|deepen|compare seed|mnist|mlp|all [--warmup N] [--steps N] [--threads N] [--rounds N]\n" +
            "       Deepen.Benchmarks check");
        return rc;
    }
}
