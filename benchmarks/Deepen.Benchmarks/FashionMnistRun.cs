using System.Diagnostics;
using System.Globalization;
using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Deepen.Benchmarks;

/// <summary>
/// Deepen's side of <c>benchmarks/pytorch/fashion_mnist.py</c>: the same small CNN (Conv32-Pool-Conv64-Pool-Dense128-
/// Dense10, Adam 1e-3, batch 128, pixels / 255) on the full Fashion-MNIST (60k/10k), written as a Keras user would and
/// trained with <c>Fit</c>. Prints one JSON line in the PyTorch script's format: test accuracy, training and wall seconds.
/// </summary>
public static class FashionMnistRun
{
    public static string Run(string dataDir, int epochs, int batchSize, string policy)
    {
        var start = Stopwatch.StartNew();
        Backend.SetRandomSeed(0);
        var ((xTrain, yTrain), (xTest, yTest)) = Idx.LoadMnist(dataDir);   // uint8 [N, 28, 28, 1] and int64 labels
        var model = new Sequential(
            new Rescaling(1.0 / 255, inputShape: (28, 28, 1)),
            new Conv2D(32, (3, 3), activation: "relu"), new MaxPooling2D((2, 2)),
            new Conv2D(64, (3, 3), activation: "relu"), new MaxPooling2D((2, 2)),
            new Flatten(), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax"));
        model.Compile(new Adam(1e-3), "sparse_categorical_crossentropy", dtypePolicy: policy);
        var train = Stopwatch.StartNew();
        var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, verbose: 0);
        double trainSeconds = train.Elapsed.TotalSeconds;
        model.Compile(new Adam(1e-3), "sparse_categorical_crossentropy", ["accuracy"]);
        double accuracy = model.Evaluate(xTest, yTest, batchSize: 1000, verbose: 0)["accuracy"];
        string F(double v, int d) => Math.Round(v, d).ToString(CultureInfo.InvariantCulture);
        return $"{{\"framework\":\"deepen\",\"workload\":\"fashion_mnist\",\"policy\":\"{policy}\",\"epochs\":{epochs},\"batch_size\":{batchSize}," +
               $"\"train_size\":{xTrain.shape[0]},\"test_size\":{xTest.shape[0]},\"epoch_losses\":[{string.Join(",", history["loss"].Select(l => F(l, 4)))}]," +
               $"\"test_accuracy\":{F(accuracy, 4)},\"train_seconds\":{F(trainSeconds, 2)},\"wall_seconds\":{F(start.Elapsed.TotalSeconds, 2)}," +
               $"\"threads\":{torch.get_num_threads()},\"version\":\"TorchSharp 0.107.0\"}}";
    }
}
