// Deepen's side of benchmarks/contention (see README.md): the training `deepen demo` does — small-cnn on 28x28 grey
// Fashion-MNIST images, batch 64, Adam — fed either
//   memory    from in-memory tensors (the training images decoded once, no augmentation), or
//   pipeline  by FlowFromDirectory with the demo's augmentation (shear 0.2, zoom 0.1, horizontal flip), decoding each epoch.
// One warm-up epoch, then --epochs measured ones; prints "RESULT deepen <mode> <ms per step>" (median over the measured
// epochs) and how much of each step was spent waiting for the batch.
// Usage: dotnet run -c Release --project benchmarks/contention -- --data DIR/train --mode memory|pipeline [--epochs 2]
//        [--threads N] [--workers N]
using System.Diagnostics;
using Deepen;
using Deepen.Cli;
using Deepen.Data;
using Deepen.Data.Images;
using Deepen.Optimizers;
using static TorchSharp.torch;

string? Arg(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
string data = Arg("--data") ?? throw new ArgumentException("--data DIR (the demo's train folder)");
string mode = Arg("--mode") ?? "pipeline";
int epochs = int.Parse(Arg("--epochs") ?? "2");
if (Arg("--threads") is string th) Backend.Threads = int.Parse(th);
var pipelineOptions = new PipelineOptions { Workers = Arg("--workers") is string wk ? int.Parse(wk) : null };
static double Median(IEnumerable<double> xs) { var s = xs.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }

Backend.SetRandomSeed(42);
DirectoryIterator Flow(ImageDataGenerator gen, bool shuffle) => gen.FlowFromDirectory(data, targetSize: (28, 28), colorMode: "grayscale",
    batchSize: 64, classMode: "categorical", shuffle: shuffle, seed: 42, auditReport: null, verbose: false, pipeline: pipelineOptions);

IBatchSource source;
int classes;
if (mode == "memory")
{
    var plain = Flow(new ImageDataGenerator(), shuffle: false);
    classes = plain.NumClasses;
    var xs = new List<Tensor>(); var ys = new List<Tensor>();
    foreach (var b in plain.GetBatches(0)) { xs.Add(b.X); ys.Add(b.Y!); }
    var x = cat(xs, 0); var y = cat(ys, 0);
    source = new TensorBatchSource(x, y, batchSize: 64, shuffle: true);
}
else if (mode == "pipeline")
{
    var flow = Flow(new ImageDataGenerator(shearRange: 0.2, zoomRange: 0.1, horizontalFlip: true), shuffle: true);
    classes = flow.NumClasses;
    source = flow;
}
else throw new ArgumentException($"--mode memory|pipeline, not {mode}");

var model = ModelPresets.Build("small-cnn", (28, 28, 1), classes);
model.Compile(optimizer: new Adam(), loss: "categorical_crossentropy", metrics: ["accuracy"]);
var timed = new TimedSource(source);
var stepMs = new List<double>(); var waitShare = new List<double>();
for (int e = 0; e <= epochs; e++)
{
    timed.Waited = TimeSpan.Zero;
    var clock = Stopwatch.StartNew();
    model.Fit(timed, epochs: e + 1, initialEpoch: e, verbose: 0);
    double ms = clock.Elapsed.TotalMilliseconds;
    if (e == 0) continue;                                        // warm-up: first allocations, JIT
    stepMs.Add(ms / source.BatchesPerEpoch);
    waitShare.Add(timed.Waited.TotalMilliseconds / ms);
}
Console.WriteLine($"deepen {mode}: {Median(stepMs):F1} ms/step (epochs: {string.Join(", ", stepMs.Select(v => v.ToString("F1")))}), " +
                  $"waiting for batches {100 * Median(waitShare):F0}% of the time; LibTorch threads {Backend.Threads}, decoders {pipelineOptions.Workers?.ToString() ?? "default"}");
Console.WriteLine($"RESULT deepen {mode} {Median(stepMs):F2}");

/// <summary>A source whose batch fetches (decode wait, assembly, augmentation) are timed.</summary>
sealed class TimedSource(IBatchSource inner) : IBatchSource
{
    public TimeSpan Waited;
    public int BatchesPerEpoch => inner.BatchesPerEpoch;
    public IEnumerable<Batch> GetBatches(int epoch)
    {
        using var e = inner.GetBatches(epoch).GetEnumerator();
        while (true)
        {
            long t = Stopwatch.GetTimestamp();
            bool more = e.MoveNext();
            Waited += Stopwatch.GetElapsedTime(t);
            if (!more) yield break;
            yield return e.Current;
        }
    }
}
