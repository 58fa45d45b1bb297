using System.Diagnostics;
using Deepen.Layers;
using Deepen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Benchmarks;

/// <summary>
/// Where <c>Predict</c>'s time goes on the seed CNN (issue 12's speed gap): 64 images predicted in chunks of 4…64
/// (interleaved rounds), each layer's own time at batch 1, 8 and 64, and the same convolutions run as raw TorchSharp
/// ops on a contiguous NCHW tensor and on an NHWC tensor viewed as NCHW (what Deepen's Conv2D passes LibTorch).
/// </summary>
public static class PredictProfile
{
    public static void Run(int threads, int rounds)
    {
        torch.set_num_threads(threads);
        Backend.SetRandomSeed(42);
        using var seed = new Sequential(new Layer[]
        {
            new Rescaling(1.0 / 255, inputShape: (150, 150, 3)),
            new Conv2D(32, (3, 3), activation: "relu"), new MaxPooling2D(2),
            new Conv2D(64, (3, 3), activation: "relu"), new MaxPooling2D(2),
            new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D(2),
            new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D(2),
            new Flatten(), new Dense(512, activation: "relu"), new Dense(1, activation: "sigmoid"),
        }, name: "seed_cnn");
        seed.Build(seed.InputShape!);

        using (var x64 = rand(64, 150, 150, 3) * 255)
        {
            var chunks = new[] { 4, 8, 16, 32, 64 };
            var times = chunks.ToDictionary(k => k, _ => new List<double>());
            seed.Predict(x64, batchSize: 64).Dispose();
            for (int r = 0; r < rounds; r++)
                foreach (int k in chunks) times[k].Add(Time(() => seed.Predict(x64, batchSize: k).Dispose(), 0, 1)[0]);
            foreach (int k in chunks)
                Console.WriteLine($"64 images, Predict batchSize {k,2}: median {Stats.Median(times[k]),7:F0} ms [{string.Join(", ", times[k].Select(v => v.ToString("F0")))}]");
        }

        var convs = seed.Layers.OfType<Conv2D>().ToArray();
        void Chain(Tensor x)
        {
            using var scope = NewDisposeScope();
            foreach (var c in convs) x = nn.functional.max_pool2d(nn.functional.relu(nn.functional.conv2d(x, c.Kernel.Value, c.Bias!.Value)), 2);
        }
        foreach (int b in new[] { 1, 8, 64 })
        {
            int steps = b == 64 ? 3 : 10;
            using var x = rand(b, 150, 150, 3) * 255;
            Console.WriteLine($"batch {b}: Predict median {Stats.Median(Time(() => seed.Predict(x, batchSize: b).Dispose(), 1, steps)):F1} ms");
            using (no_grad())
            {
                var h = x.alias();
                foreach (var layer in seed.Layers)
                {
                    Tensor? y = null;
                    var ms = Time(() => { y?.Dispose(); y = layer.Call(h); }, 1, steps);
                    Console.WriteLine($"   {layer.Name,-16} {Stats.Median(ms),8:F2} ms");
                    h.Dispose();
                    h = y!;
                }
                h.Dispose();
                using var nchw = (x / 255).permute(0, 3, 1, 2).contiguous();
                using var nhwcAsNchw = (x / 255).permute(0, 3, 1, 2);
                Console.WriteLine($"   raw TorchSharp convolutions: NCHW {Stats.Median(Time(() => Chain(nchw), 1, steps)):F1} ms, " +
                    $"NHWC viewed as NCHW {Stats.Median(Time(() => Chain(nhwcAsNchw), 1, steps)):F1} ms");
            }
        }
    }

    static List<double> Time(Action action, int warmup, int steps)
    {
        for (int i = 0; i < warmup; i++) action();
        var ms = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            ms.Add(sw.Elapsed.TotalMilliseconds);
        }
        return ms;
    }
}
