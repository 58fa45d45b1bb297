// Deepen's side of benchmarks/pipeline (see README.md):
//   pipeline  images/s of FlowFromDirectory alone: JPEG decode + resize to 150x150 + shear/zoom/flip + rescale, batch 32
//   train     seed-CNN training images/s fed by that pipeline versus by in-memory tensors (same model, same steps)
// Usage: dotnet run -c Release --project benchmarks/pipeline -- --data DIR [--runs 5] [--warmup 1] [--steps 20]
//        [--mode all|pipeline|train] [--interpolation nearest|bilinear]   (resizing filter; nearest is Keras's default)
//        [--nice N] [--workers N] [--threads N]   (PipelineOptions.WorkerNice, default 0, and Workers, default one per core)
// Pipeline results are also printed as "RESULT deepen <config> <images/s>" lines, which run.sh collects.
using System.Diagnostics;
using Deepen;
using Deepen.Data;
using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using static TorchSharp.torch;

string? Arg(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
string data = Arg("--data") ?? throw new ArgumentException("--data DIR (a folder of class subfolders of JPEGs)");
int runs = int.Parse(Arg("--runs") ?? "5");
int warmup = int.Parse(Arg("--warmup") ?? "0");
int steps = int.Parse(Arg("--steps") ?? "20");
string mode = Arg("--mode") ?? "all";
string interpolation = Arg("--interpolation") ?? "nearest";                     // Keras's flow_from_directory default
if (Arg("--threads") is string th) Backend.Threads = int.Parse(th);               // LibTorch threads of the consumer (default: cores)
var options = new PipelineOptions { WorkerNice = int.Parse(Arg("--nice") ?? "0"), Workers = Arg("--workers") is string wk ? int.Parse(wk) : null };
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, LibTorch threads {Backend.Threads}, {RuntimeInformationText()}");

static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
static double Median(IEnumerable<double> xs) { var s = xs.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }

var augment = new ImageDataGenerator(rescale: 1.0 / 255, shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true);
DirectoryIterator Flow(ImageDataGenerator gen, int seed, bool shuffle = true, PipelineOptions? pipeline = null) =>
    gen.FlowFromDirectory(data, targetSize: (150, 150), batchSize: 32, classMode: "binary", shuffle: shuffle, seed: seed,
        interpolation: interpolation, auditReport: null, verbose: false, pipeline: pipeline ?? options);

if (mode is "all" or "pipeline")
{
    var clock = Stopwatch.StartNew();
    var it = Flow(augment, 1);
    Console.WriteLine($"audit + listing of {it.Samples} files: {clock.Elapsed.TotalSeconds:F2} s (first call; hashes are cached for later calls)");
    foreach (var (name, source) in new[]
    {
        ("augmented", it),
        ("plain", Flow(new ImageDataGenerator(rescale: 1.0 / 255), 1)),
    })
    {
        var rates = new List<double>();
        for (int r = 0; r < warmup + runs; r++)
        {
            clock.Restart();
            long n = 0;
            foreach (var batch in source.GetBatches(r)) using (batch) n += batch.Size;
            if (r < warmup) continue;
            rates.Add(n / clock.Elapsed.TotalSeconds);
            Console.WriteLine($"RESULT deepen {name} {rates[^1]:F1}");
        }
        Console.WriteLine($"pipeline {name}: median {Median(rates):F0} images/s over {runs} epochs of {source.Samples} images " +
                          $"(runs: {string.Join(", ", rates.Select(v => v.ToString("F0")))})");
    }
}

if (mode is "all" or "train")
{
    Backend.SetRandomSeed(42);
    var model = new Sequential(
        new Conv2D(32, (3, 3), activation: "relu", inputShape: (150, 150, 3)), new MaxPooling2D((2, 2)),
        new Conv2D(64, (3, 3), activation: "relu"), new MaxPooling2D((2, 2)),
        new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D((2, 2)),
        new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D((2, 2)),
        new Flatten(), new Dense(512, activation: "relu"), new Dense(1, activation: "sigmoid"));
    model.Compile(loss: "binary_crossentropy", optimizer: new RMSprop(learningRate: 1e-4), metrics: ["accuracy"]);

    // In-memory: the first `steps` batches, decoded once (no augmentation), as tensors.
    var plain = Flow(new ImageDataGenerator(rescale: 1.0 / 255), 3, shuffle: true);
    var xs = new List<Tensor>(); var ys = new List<Tensor>();
    foreach (var b in plain.GetBatches(0).Take(steps)) { xs.Add(b.X); ys.Add(b.Y!); }
    using var x = cat(xs, 0); using var y = cat(ys, 0);
    xs.ForEach(t => t.Dispose()); ys.ForEach(t => t.Dispose());
    var memory = new TensorBatchSource(x, y, batchSize: 32, shuffle: true);
    var pipeline = Flow(augment, 5);

    var process = Process.GetCurrentProcess();
    (double Rate, double CpuMs) Train(IBatchSource source, int epoch)
    {
        var limited = new FirstBatches(source, steps);
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        model.Fit(limited, epochs: epoch + 1, initialEpoch: epoch, verbose: 0);
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (steps * 32 / seconds, (process.TotalProcessorTime - cpu).TotalMilliseconds / (steps * 32));
    }
    Train(memory, 0); Train(pipeline, 0);                                           // warm-up (build, first allocations)
    var memRuns = new List<(double Rate, double CpuMs)>(); var pipeRuns = new List<(double Rate, double CpuMs)>();
    for (int r = 1; r <= runs; r++) { memRuns.Add(Train(memory, r)); pipeRuns.Add(Train(pipeline, r)); }
    double mem = Median(memRuns.Select(v => v.Rate)), pipe = Median(pipeRuns.Select(v => v.Rate));
    double memCpu = Median(memRuns.Select(v => v.CpuMs)), pipeCpu = Median(pipeRuns.Select(v => v.CpuMs));
    string List(List<(double Rate, double CpuMs)> xs) => string.Join(", ", xs.Select(v => v.Rate.ToString("F1")));
    Console.WriteLine($"train seed CNN, in-memory tensors: median {mem:F1} images/s ({List(memRuns)}); CPU {memCpu:F1} ms/image");
    Console.WriteLine($"train seed CNN, fed by the pipeline (decode+resize+shear/zoom/flip): median {pipe:F1} images/s ({List(pipeRuns)}); CPU {pipeCpu:F1} ms/image");
    Console.WriteLine($"slowdown from the pipeline: {100 * (1 - pipe / mem):F1}% in images/s, {100 * (pipeCpu / memCpu - 1):F1}% more CPU time per image ({runs} alternating runs of {steps} steps of 32)");
}

/// <summary>The first <c>steps</c> batches of each epoch of a source.</summary>
sealed class FirstBatches(IBatchSource source, int steps) : IBatchSource
{
    public int BatchesPerEpoch => Math.Min(steps, source.BatchesPerEpoch);
    public IEnumerable<Batch> GetBatches(int epoch) => source.GetBatches(epoch).Take(steps);
}
