using System.Diagnostics;
using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using static TorchSharp.torch;

namespace Deepen.Benchmarks;

/// <summary>
/// The same workloads as <see cref="RawTorchSharp"/>, written as a Keras user writes them with Deepen and trained
/// through <c>Model.Fit</c>. Per-step time is the interval between successive <c>OnTrainBatchBegin</c> calls, so it
/// includes everything <c>Fit</c> does around a step (batch handling, loss tracking, metrics, dispose scopes).
/// Inputs are in Keras layout (NHWC), which Deepen hands to LibTorch as channels-last views.
/// </summary>
public static class DeepenSide
{
    /// <summary>Seed CNN, batch 32, Adam, binary cross-entropy (fused with the sigmoid).</summary>
    public static List<double> Seed(bool accuracy, int warmup, int steps)
    {
        Backend.SetRandomSeed(0);
        var model = new Sequential(
            new Conv2D(32, (3, 3), activation: "relu", inputShape: (150, 150, 3)), new MaxPooling2D(2, 2),
            new Conv2D(64, (3, 3), activation: "relu"), new MaxPooling2D(2, 2),
            new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D(2, 2),
            new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D(2, 2),
            new Flatten(), new Dense(512, activation: "relu"), new Dense(1, activation: "sigmoid"));
        model.Compile(new Adam(1e-3), "binary_crossentropy", accuracy ? ["accuracy"] : null);
        using var x = rand(32, 150, 150, 3);
        using var y = randint(0, 2, new long[] { 32, 1 }).to(ScalarType.Float32);
        return Time(model, x, y, warmup, steps);
    }

    /// <summary>MNIST-size CNN, batch 128, Adam, sparse categorical cross-entropy (fused with the softmax).</summary>
    public static List<double> Mnist(bool accuracy, int warmup, int steps)
    {
        Backend.SetRandomSeed(0);
        var model = new Sequential(
            new Conv2D(32, (3, 3), activation: "relu", inputShape: (28, 28, 1)), new MaxPooling2D(2, 2),
            new Conv2D(64, (3, 3), activation: "relu"), new MaxPooling2D(2, 2),
            new Flatten(), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax"));
        model.Compile(new Adam(1e-3), "sparse_categorical_crossentropy", accuracy ? ["accuracy"] : null);
        using var x = rand(128, 28, 28, 1);
        using var y = randint(0, 10, new long[] { 128 });
        return Time(model, x, y, warmup, steps);
    }

    /// <summary>MLP 784-256-128-10, batch 128, Adam, sparse categorical cross-entropy.</summary>
    public static List<double> Mlp(bool accuracy, int warmup, int steps)
    {
        Backend.SetRandomSeed(0);
        var model = new Sequential(
            new Dense(256, activation: "relu", inputShape: 784), new Dense(128, activation: "relu"),
            new Dense(10, activation: "softmax"));
        model.Compile(new Adam(1e-3), "sparse_categorical_crossentropy", accuracy ? ["accuracy"] : null);
        using var x = rand(128, 784);
        using var y = randint(0, 10, new long[] { 128 });
        return Time(model, x, y, warmup, steps);
    }

    static List<double> Time(Model model, Tensor x, Tensor y, int warmup, int steps)
    {
        var timer = new StepTimer();
        model.Fit(new RepeatedBatch(x, y, warmup + steps), epochs: 1, callbacks: [timer], verbose: 0);
        model.Dispose();
        return timer.Intervals.Skip(warmup).ToList();
    }

    /// <summary>Yields the same batch (as fresh views, which Fit disposes) a fixed number of times.</summary>
    sealed class RepeatedBatch(Tensor x, Tensor y, int count) : IBatchSource
    {
        public int BatchesPerEpoch => count;
        public IEnumerable<Batch> GetBatches(int epoch)
        {
            for (int i = 0; i < count; i++) yield return new Batch(x.alias(), y.alias());
        }
    }

    /// <summary>Records the time between successive training steps (and from the last one to the end of the epoch's batches).</summary>
    sealed class StepTimer : Callback
    {
        readonly Stopwatch _clock = new();
        public List<double> Intervals { get; } = new();

        public override void OnTrainBatchBegin(int batch)
        {
            if (_clock.IsRunning) Intervals.Add(_clock.Elapsed.TotalMilliseconds);
            _clock.Restart();
        }

        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
        {
            Intervals.Add(_clock.Elapsed.TotalMilliseconds);
            _clock.Stop();
        }
    }
}
