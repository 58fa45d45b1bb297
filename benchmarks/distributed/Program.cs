using System.Diagnostics;
using System.Globalization;
using Deepen;
using Deepen.Callbacks;
using Deepen.Distributed;
using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

// Usage: DistributedBench [steps] [warmup] [globalBatch]
// Trains the MNIST-size CNN (Conv32-Pool-Conv64-Pool-Dense128-Dense10, 225,034 parameters, Adam) data-parallel on
// generated 28x28x1 images for warmup + steps global batches, then times the in-place allreduce of a buffer the size of
// its gradients alone. Rank 0 prints one line: ranks, threads, median step ms, steps/s, median allreduce ms.
int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
int warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
int batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 128;
var world = Communicator.World;
Backend.SetRandomSeed(1);
using var x = rand(batch * (steps + warmup), 28, 28, 1);
using var y = randint(0, 10, batch * (steps + warmup));
var model = new Sequential(
    new Conv2D(32, (3, 3), activation: "relu", inputShape: (28, 28, 1)), new MaxPooling2D((2, 2)),
    new Conv2D(64, (3, 3), activation: "relu"), new MaxPooling2D((2, 2)),
    new Flatten(), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax"));
model.Compile("adam", "sparse_categorical_crossentropy");
var timer = new StepTimer();
model.Fit(x, y, epochs: 1, batchSize: batch, shuffle: false, verbose: 0, callbacks: [timer]);
var stepMs = timer.Milliseconds.Skip(warmup).Order().ToArray();

var gradients = new float[model.CountParams()];
var reduceMs = new List<double>();
for (int i = 0; i < 100; i++)
{
    world.Barrier();
    long start = Stopwatch.GetTimestamp();
    world.AllreduceSum(gradients);
    reduceMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}
double median = stepMs[stepMs.Length / 2];
if (world.IsRoot)
    Console.WriteLine(FormattableString.Invariant(
        $"ranks={world.Size} threads={Backend.Threads} params={gradients.Length} step_ms_median={median:F1} steps_per_s={1000 / median:F2} allreduce_ms_median={reduceMs.Order().ElementAt(reduceMs.Count / 2):F3}"));
return 0;

/// <summary>Time between successive batch starts: everything Fit does per global step, the allreduce included.</summary>
sealed class StepTimer : Callback
{
    long _last;
    public List<double> Milliseconds { get; } = new();
    public override void OnTrainBatchBegin(int batch)
    {
        long now = Stopwatch.GetTimestamp();
        if (_last != 0) Milliseconds.Add(Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds);
        _last = now;
    }
}
