// The Keras MNIST convnet (keras.io/examples/vision/mnist_convnet), written the way a Keras user would write it
// against Deepen: Sequential of Conv2D / MaxPooling2D / Flatten / Dropout / Dense, sparse categorical cross-entropy,
// Fit with a validation split and early stopping, Evaluate, Save, Load, Predict.
//
// Usage: dotnet run -c Release --project examples/Mnist [-- --data DIR] [--epochs N]
// DIR holds the four MNIST IDX files (default: the 8,500/1,500-digit subset in datasets/mnist).
using System.Diagnostics;
using Deepen;
using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

string dataDir = ExampleArgs.Get(args, "--data") ?? ExampleArgs.FindBundled("datasets/mnist");
int epochs = int.Parse(ExampleArgs.Get(args, "--epochs") ?? "3");
Backend.SetRandomSeed(42);

// Load the data: [N, 28, 28, 1] images scaled to [0, 1], integer labels.
using var xTrain = Idx.ReadImages(Path.Combine(dataDir, "train-images-idx3-ubyte.gz")) / 255f;
using var yTrain = Idx.Read(Path.Combine(dataDir, "train-labels-idx1-ubyte.gz"));
using var xTest = Idx.ReadImages(Path.Combine(dataDir, "t10k-images-idx3-ubyte.gz")) / 255f;
using var yTest = Idx.Read(Path.Combine(dataDir, "t10k-labels-idx1-ubyte.gz"));
Console.WriteLine($"x_train shape: ({string.Join(", ", xTrain.shape)}), {xTest.shape[0]} test samples");

var model = new Sequential(
    new Conv2D(32, (3, 3), activation: "relu", inputShape: (28, 28, 1)),
    new MaxPooling2D((2, 2)),
    new Conv2D(64, (3, 3), activation: "relu"),
    new MaxPooling2D((2, 2)),
    new Flatten(),
    new Dropout(0.5),
    new Dense(10, activation: "softmax"));
model.Summary();

model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
var clock = Stopwatch.StartNew();
var history = model.Fit(xTrain, yTrain, epochs: epochs, batchSize: 32, validationSplit: 0.1,
    callbacks: [new EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)]);
Console.WriteLine($"Trained {history.Epochs.Count} epochs in {clock.Elapsed.TotalSeconds:F1}s");

var scores = model.Evaluate(xTest, yTest);
Console.WriteLine($"Test loss: {scores["loss"]:F4}");
Console.WriteLine($"Test accuracy: {scores["accuracy"]:F4}");

string path = Path.Combine(Path.GetTempPath(), "mnist.deepen");
model.Save(path);
using var loaded = Model.Load(path);
using var probabilities = loaded.Predict(xTest);
using var same = model.Predict(xTest);
Console.WriteLine($"Saved to {path}; the loaded model predicts identically: {same.Equals(probabilities)}");
var first = probabilities.argmax(-1).narrow(0, 0, 10).data<long>().ToArray();
Console.WriteLine($"First 10 predictions: {string.Join(" ", first)}  (true: {string.Join(" ", yTest.narrow(0, 0, 10).data<long>().ToArray())})");
