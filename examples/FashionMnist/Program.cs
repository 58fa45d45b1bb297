// Fashion-MNIST with a small CNN, the way the Keras tutorials do it, against Deepen's public API: in-memory IDX data,
// Rescaling inside the model, light augmentation layers active only while training, Fit with a validation split,
// Evaluate, and a report (curves, prediction grid, confusion matrix, top losses) written next to the model.
//
// Usage: dotnet run -c Release --project examples/FashionMnist [-- --data DIR] [--epochs N] [--out DIR]
// DIR holds the four Fashion-MNIST IDX files (default: the 4,600/1,000-image sample in datasets/fashion-mnist-demo;
// `bash scripts/fetch-datasets.sh` writes the full 60,000/10,000 set to data/fashion-mnist).
using Deepen;
using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Reports;

string dataDir = ExampleArgs.Get(args, "--data") ?? ExampleArgs.FindBundled("datasets/fashion-mnist-demo");
int epochs = int.Parse(ExampleArgs.Get(args, "--epochs") ?? "8");
string outDir = ExampleArgs.Get(args, "--out") ?? "fashion-mnist-out";
string[] classNames = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
Backend.SetRandomSeed(42);

var ((xTrain, yTrain), (xTest, yTest)) = Idx.LoadMnist(dataDir);   // images [N, 28, 28, 1] with values 0–255
Console.WriteLine($"{xTrain.shape[0]} training and {xTest.shape[0]} test images");

var model = new Sequential(
    new Rescaling(1.0 / 255, inputShape: (28, 28, 1)),
    new RandomTranslation(0.05, 0.05),
    new RandomZoom(0.1),
    new Conv2D(32, (3, 3), activation: "relu"),
    new MaxPooling2D((2, 2)),
    new Conv2D(64, (3, 3), activation: "relu"),
    new MaxPooling2D((2, 2)),
    new Flatten(),
    new Dropout(0.3),
    new Dense(128, activation: "relu"),
    new Dense(10, activation: "softmax"));
model.ClassNames = classNames;
model.Summary();
model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);

var history = model.Fit(xTrain, yTrain, epochs: epochs, batchSize: 64, validationSplit: 0.1);
var scores = model.Evaluate(xTest, yTest);
Console.WriteLine($"Test accuracy: {scores["accuracy"]:P1}, test loss: {scores["loss"]:F4}");

Directory.CreateDirectory(outDir);
model.Save(Path.Combine(outDir, "fashion-mnist.deepen"));
var report = new Report(model, history, xTest, yTest, classNames, new ReportOptions { Title = "Fashion-MNIST, small CNN" });
Console.WriteLine($"Report: {report.Save(Path.Combine(outDir, "report"))}");
