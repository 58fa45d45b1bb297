// The seed's two-layer ReLU network, trained by plain gradient descent:
//
//   z1 = W1·x + b1,  a1 = relu(z1),  ŷ = W2·a1 + b2,  L = mean over samples and outputs of (ŷ − y)²
//   δ2 = ∂L/∂ŷ = 2(ŷ − y)/(N·K)          ∂L/∂W2 = δ2·a1ᵀ   ∂L/∂b2 = Σ δ2
//   δ1 = (W2ᵀ·δ2) ⊙ relu'(z1)            ∂L/∂W1 = δ1·xᵀ    ∂L/∂b1 = Σ δ1
//   W ← W − α·∂L/∂W
//
// Deepen computes those gradients with LibTorch's autograd (tests/Deepen.Tests/Training/GradientTests.cs checks them
// against the formulas above). The task is real: recognising handwritten digits (the bundled MNIST subset), with
// one-hot targets, a linear output and the squared error, exactly as in the formulas.
//
// Usage: dotnet run -c Release --project examples/Mlp [-- --alpha 0.5 --steps 300 --hidden 64]
using Deepen;
using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using static TorchSharp.torch;

double alpha = double.Parse(ExampleArgs.Get(args, "--alpha") ?? "0.5", System.Globalization.CultureInfo.InvariantCulture);
int steps = int.Parse(ExampleArgs.Get(args, "--steps") ?? "300");
int hidden = int.Parse(ExampleArgs.Get(args, "--hidden") ?? "64");
string dataDir = ExampleArgs.Get(args, "--data") ?? ExampleArgs.FindBundled("datasets/mnist");
Backend.SetRandomSeed(0);

using var xTrain = (Idx.ReadImages(Path.Combine(dataDir, "train-images-idx3-ubyte.gz")) / 255f).flatten(1);
using var labels = Idx.Read(Path.Combine(dataDir, "train-labels-idx1-ubyte.gz"));
using var yTrain = nn.functional.one_hot(labels, 10).to(ScalarType.Float32);
using var xTest = (Idx.ReadImages(Path.Combine(dataDir, "t10k-images-idx3-ubyte.gz")) / 255f).flatten(1);
using var testLabels = Idx.Read(Path.Combine(dataDir, "t10k-labels-idx1-ubyte.gz"));

var model = new Sequential(
    new Dense(hidden, activation: "relu", inputShape: 784),   // W1, b1
    new Dense(10));                                           // W2, b2 (linear output ŷ)
model.Compile(new SGD(learningRate: alpha), "mse");
model.Summary();

// Plain (full-batch) gradient descent: one step per epoch over all N samples, in a fixed order.
int n = (int)xTrain.shape[0];
for (int done = 0; done < steps; done += 50)
{
    var history = model.Fit(xTrain, yTrain, epochs: done + 50, initialEpoch: done, batchSize: n, shuffle: false, verbose: 0);
    using var predicted = model.Predict(xTest, batchSize: 1024).argmax(-1);
    double accuracy = predicted.eq(testLabels).to(ScalarType.Float32).mean().item<float>();
    Console.WriteLine($"step {done + 50,4}: training loss {history["loss"][^1]:F4}, test accuracy {accuracy:P1}");
}
