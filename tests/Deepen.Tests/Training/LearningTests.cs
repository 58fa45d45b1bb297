using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Training;

/// <summary>End-to-end learning on small generated problems: XOR, two moons and a small CNN on bar images.</summary>
public class LearningTests
{
    [Fact]
    public void MlpSolvesXor()
    {
        Backend.SetRandomSeed(1);
        var (x, y) = TestData.Xor();
        var model = new Sequential(
            new Dense(8, "tanh", inputShape: 2),
            new Dense(1, "sigmoid"));
        model.Compile(new Adam(0.05), "binary_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 400, batchSize: 4, verbose: 0);

        var scores = model.Evaluate(x, y, verbose: 0);
        Assert.Equal(1.0, scores["accuracy"]);
        var p = TestData.Values(model.Predict(x));
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(p[i] - y[i]) < 0.5, $"XOR({x[i, 0]}, {x[i, 1]}) predicted {p[i]}");
    }

    [Fact]
    public void MlpSeparatesTwoMoonsOnHeldOutData()
    {
        Backend.SetRandomSeed(2);
        var (xTrain, yTrain) = TestData.TwoMoons(400, noise: 0.1, seed: 10);
        var (xTest, yTest) = TestData.TwoMoons(200, noise: 0.1, seed: 11);
        var model = new Sequential(
            new Dense(32, "relu", inputShape: 2),
            new Dense(32, "relu"),
            new Dense(1, "sigmoid"));
        model.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(xTrain, yTrain, epochs: 60, batchSize: 32, verbose: 0);

        Assert.True(history["loss"][^1] < history["loss"][0]);
        var scores = model.Evaluate(xTest, yTest, verbose: 0);
        Assert.True(scores["accuracy"] >= 0.95, $"two-moons test accuracy {scores["accuracy"]}");
    }

    [Fact]
    public void SmallCnnTellsHorizontalFromVerticalBarsOnHeldOutImages()
    {
        Backend.SetRandomSeed(3);
        var (xTrain, yTrain) = TestData.Bars(400, seed: 20);
        var (xTest, yTest) = TestData.Bars(200, seed: 21);
        var model = new Sequential(
            new Conv2D(8, (3, 3), activation: "relu", inputShape: (16, 16, 1)),
            new MaxPooling2D(2, 2),
            new Conv2D(16, (3, 3), activation: "relu"),
            new MaxPooling2D((2, 2)),
            new Flatten(),
            new Dense(16, "relu"),
            new Dense(1, "sigmoid"));
        model.Compile(new Adam(0.005), "binary_crossentropy", ["accuracy"]);
        model.Fit(xTrain, yTrain, epochs: 8, batchSize: 32, verbose: 0);

        var scores = model.Evaluate(xTest, yTest, verbose: 0);
        Assert.True(scores["accuracy"] > 0.95, $"CNN test accuracy {scores["accuracy"]}");
    }
}
