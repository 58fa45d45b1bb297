using System.Text.Json;
using Deepen;
using Deepen.Callbacks;
using Deepen.Distributed;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using static TorchSharp.torch;

// Usage: DistributedProbe fit OUT | DistributedProbe throw
// "fit" trains four small runs on generated data and writes OUT/<run>.r<rank>.json per rank: the weights (raw
// float32 bytes, base64) and the History. "throw" fails on the last rank in the middle of an epoch.
var world = Communicator.World;
string mode = args.Length > 0 ? args[0] : "fit";
if (mode == "throw")
{
    var (x, y) = Data(40, seed: 1);
    var model = Classifier(new SGD(0.1));
    model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0, callbacks: [new ThrowOnRank(world.Size - 1, batch: 2)]);
    return 0;
}

string outDir = args[1];
Directory.CreateDirectory(outDir);

// SGD with momentum, 101 samples in batches of 20: the last batch (1 sample) leaves all ranks but rank 0 empty.
Run("sgd", () =>
{
    var (x, y) = Data(101, seed: 1);
    var (vx, vy) = Data(37, seed: 2);
    var model = Classifier(new SGD(0.1, momentum: 0.9));
    return (model, model.Fit(x, y, epochs: 3, batchSize: 20, validationData: (vx, vy), verbose: 1));
});

// Adam, 96 training samples in batches of 24, validation split, several metrics.
Run("adam", () =>
{
    var (x, y) = Data(128, seed: 3);
    var model = Classifier(new Adam(0.01), metrics: ["accuracy", "precision", "recall", "auc"]);
    return (model, model.Fit(x, y, epochs: 3, batchSize: 24, validationSplit: 0.25, verbose: 0));
});

// A functional model with BatchNormalization and Dropout (moving statistics stay per rank).
Run("functional", () =>
{
    var (x, y) = Data(96, seed: 4);
    var input = new Input(8);
    var h = new Dense(16, activation: "relu").Call(input);
    h = new BatchNormalization().Call(h);
    h = new Dropout(0.2).Call(h);
    var model = new Model(input, new Dense(1, activation: "sigmoid").Call(h));
    model.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"]);
    return (model, model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0));
});

// A functional model with two inputs and two outputs (a class and a score), one loss per output, a validation split.
Run("multi", () =>
{
    var (x, y) = Data(120, seed: 6);
    Backend.SetRandomSeed(7);
    var extra = randn(120, 4);
    var score = x.sum(1, keepdim: true) * 0.1f + extra.narrow(1, 0, 1);
    var a = new Input(8, name: "features");
    var b = new Input(4, name: "extra");
    var h = new Dense(12, activation: "relu").Call(new Concatenate().Call(a, b));
    var label = new Dense(1, activation: "sigmoid", name: "label").Call(h);
    var regression = new Dense(1, name: "score").Call(h);
    var model = new Model(new KerasTensor[] { a, b }, new[] { label, regression });
    model.Compile(new SGD(0.1), new LossSpec[] { "binary_crossentropy", "mse" }, ["accuracy"], lossWeights: [1.0, 0.5]);
    return (model, model.Fit(new[] { x, extra }, new[] { y, score }, epochs: 3, batchSize: 18, validationSplit: 0.25, verbose: 0));
});

// Callbacks: writers get a per-rank path (only rank 0's may appear); the last rank alone asks to stop mid-epoch.
Run("callbacks", () =>
{
    var (x, y) = Data(96, seed: 5);
    var model = Classifier(new SGD(0.05));
    string dir = Directory.CreateDirectory(Path.Combine(outDir, $"writes.r{world.Rank}")).FullName;
    var callbacks = new Callback[]
    {
        new ModelCheckpoint(Path.Combine(dir, "checkpoint.deepen"), monitor: "loss"),
        new CSVLogger(Path.Combine(dir, "log.csv")),
        new StopOnRank(world.Size - 1, epoch: 1, batch: 2),
    };
    return (model, model.Fit(x, y, epochs: 4, batchSize: 12, callbacks: callbacks, verbose: 0));
});
return 0;

void Run(string name, Func<(Model Model, Deepen.Training.History History)> train)
{
    var (model, history) = train();
    var weights = model.Weights.Select(w => new
    {
        w.Name,
        w.Trainable,
        Data = Convert.ToBase64String(w.Value.detach().cpu().contiguous().bytes.ToArray()),
    }).ToList();
    var json = JsonSerializer.Serialize(new { weights, history = history.Values, epochs = history.Epochs.Count, threads = Backend.Threads });
    File.WriteAllText(Path.Combine(outDir, $"{name}.r{world.Rank}.json"), json);
}

(Tensor X, Tensor Y) Data(int n, int seed)
{
    Backend.SetRandomSeed(seed);
    var x = randn(n, 8);
    var w = linspace(-1, 1, 8).unsqueeze(1);
    var y = (x.matmul(w) + 0.3 * randn(n, 1)).gt(0).to(ScalarType.Float32);
    return (x, y);
}

Sequential Classifier(Optimizer optimizer, string[]? metrics = null)
{
    var model = new Sequential(new Dense(16, activation: "relu", inputShape: 8), new Dense(1, activation: "sigmoid"));
    model.Compile(optimizer, "binary_crossentropy", metrics ?? ["accuracy"]);
    return model;
}

sealed class ThrowOnRank(int rank, int batch) : Callback
{
    public override void OnTrainBatchEnd(int b, Func<double> loss)
    {
        if (Communicator.World.Rank == rank && b == batch) throw new InvalidOperationException($"probe failure on rank {rank} at batch {batch}");
    }
}

sealed class StopOnRank(int rank, int epoch, int batch) : Callback
{
    int _epoch;
    public override void OnEpochBegin(int e, IDictionary<string, double> logs) => _epoch = e;
    public override void OnTrainBatchEnd(int b, Func<double> loss)
    {
        if (Communicator.World.Rank == rank && _epoch == epoch && b == batch) Model.StopTraining = true;
    }
}
