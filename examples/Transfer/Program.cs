// Keras's transfer-learning guide (keras.io/guides/transfer_learning, "The typical transfer-learning workflow"),
// step by step in C# with Deepen: an ImageNet ResNet-18 as the frozen base, a new classifier head trained on a few
// Fashion-MNIST images, then fine-tuning of the whole base at a very low learning rate.
//
// Usage: dotnet run -c Release --project examples/Transfer [-- --per-class K] [--test N] [--epochs E] [--fine-tune-epochs F]
// Defaults are small (5 images per class, 100 test images, 3 epochs) so the run stays short: ResNet-18 at 224×224 is slow on a CPU.
using System.Diagnostics;
using Deepen;
using Deepen.Applications;
using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using static TorchSharp.torch;

int perClass = int.Parse(ExampleArgs.Get(args, "--per-class") ?? "5");
int testCount = int.Parse(ExampleArgs.Get(args, "--test") ?? "100");
int epochs = int.Parse(ExampleArgs.Get(args, "--epochs") ?? "3");
int fineTuneEpochs = int.Parse(ExampleArgs.Get(args, "--fine-tune-epochs") ?? "1");
string dataDir = ExampleArgs.Get(args, "--data") ?? ExampleArgs.FindBundled("datasets/fashion-mnist-demo");
Backend.SetRandomSeed(42);

// Fashion-MNIST images (28×28 gray, 0–255) as the RGB 224×224 images ResNet-18 takes (values stay 0–255).
static Tensor ToResNetInput(Tensor gray)
{
    using var scope = NewDisposeScope();
    var nchw = gray.to_type(ScalarType.Float32).permute(0, 3, 1, 2);
    var big = nn.functional.interpolate(nchw, new long[] { 224, 224 }, mode: InterpolationMode.Bilinear, align_corners: false);
    return big.expand(-1, 3, -1, -1).permute(0, 2, 3, 1).contiguous().MoveToOuterDisposeScope();
}

using var allTrain = Idx.ReadImages(Path.Combine(dataDir, "train-images-idx3-ubyte.gz"));
using var allTrainLabels = Idx.Read(Path.Combine(dataDir, "train-labels-idx1-ubyte.gz"));
using var labels64 = allTrainLabels.to_type(ScalarType.Int64);
var labels = labels64.data<long>().ToArray();
var picked = labels.Select((y, i) => (y, i)).GroupBy(p => p.y).SelectMany(g => g.Take(perClass).Select(p => (long)p.i)).ToArray();
using var index = tensor(picked);
using var xTrain = ToResNetInput(allTrain.index_select(0, index));
using var yTrain = tensor(picked.Select(i => labels[i]).ToArray());
using var allTest = Idx.ReadImages(Path.Combine(dataDir, "t10k-images-idx3-ubyte.gz"));
using var allTestLabels = Idx.Read(Path.Combine(dataDir, "t10k-labels-idx1-ubyte.gz"));
using var xTest = ToResNetInput(allTest.narrow(0, 0, testCount));
using var yTest = allTestLabels.narrow(0, 0, testCount).to_type(ScalarType.Int64);
Console.WriteLine($"{xTrain.shape[0]} training images ({perClass} per class), {testCount} test images, resized to 224×224 RGB");

// 1. Instantiate a base model and load pretrained weights into it.
var baseModel = Applications.ResNet18(weights: "imagenet", includeTop: false, inputShape: (224, 224, 3), pooling: "avg");
// 2. Freeze all layers in the base model.
baseModel.Trainable = false;
// 3. Create a new model on top of the output of the base model.
var inputs = new Input((224, 224, 3));
var x = baseModel.Call(inputs);                   // 512 features (the base includes its preprocessing and pooling)
x = new Dropout(0.2).Call(x);
var outputs = new Dense(10, activation: "softmax").Call(x);
var model = new Model(inputs, outputs, "transfer");
model.Summary();                                  // the base's 16.1M weights (with its mean image and BN statistics) are non-trainable

// 4. Train the new model on the new data set.
model.Compile(new Adam(1e-3), "sparse_categorical_crossentropy", ["accuracy"]);
var clock = Stopwatch.StartNew();
model.Fit(xTrain, yTrain, epochs: epochs, batchSize: 16);
var frozen = model.Evaluate(xTest, yTest, verbose: 0);
Console.WriteLine($"Frozen base + trained head: test accuracy {frozen["accuracy"]:P1} ({clock.Elapsed.TotalSeconds:F0} s)");

// Fine-tuning: unfreeze the base and train end to end at a very low learning rate. As the guide says, batch
// normalization must stay in inference mode: keep those layers frozen (in Deepen a frozen BatchNormalization runs in
// inference mode, which is what Keras's `training=False` does).
baseModel.Trainable = true;
foreach (var bn in baseModel.Layers.OfType<BatchNormalization>()) bn.Trainable = false;
model.Compile(new Adam(1e-5), "sparse_categorical_crossentropy", ["accuracy"]);
model.Fit(xTrain, yTrain, epochs: fineTuneEpochs, batchSize: 16);
var tuned = model.Evaluate(xTest, yTest, verbose: 0);
Console.WriteLine($"After fine-tuning: test accuracy {tuned["accuracy"]:P1} ({clock.Elapsed.TotalSeconds:F0} s in all)");
