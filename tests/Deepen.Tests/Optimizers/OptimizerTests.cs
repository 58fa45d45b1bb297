using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Optimizers;

public class OptimizerTests
{
    static double FinalOverInitialLoss(OptimizerSpec optimizer)
    {
        Backend.SetRandomSeed(18);
        var (x, y) = TestData.LinearRegression(64, seed: 5);
        var model = new Sequential(new Dense(8, "tanh", inputShape: 4), new Dense(1));
        model.Compile(optimizer, "mse");
        double initial = model.Evaluate(x, y, verbose: 0)["loss"];
        model.Fit(x, y, epochs: 15, batchSize: 16, verbose: 0);
        return model.Evaluate(x, y, verbose: 0)["loss"] / initial;
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("rmsprop")]
    [InlineData("ADAM")]
    public void EachNamedOptimizerReducesTheLoss(string name)
    {
        double ratio = FinalOverInitialLoss(name);
        Assert.True(ratio < 0.9, $"{name}: final/initial loss {ratio}"); // Keras default rates are small: a clear reduction
    }

    public static TheoryData<string> Objects => new() { "sgd-momentum", "sgd-nesterov", "adam", "adamw", "rmsprop", "rmsprop-centered" };

    static Optimizer Create(string kind) => kind switch
    {
        "sgd-momentum" => new SGD(0.01, momentum: 0.9),
        "sgd-nesterov" => new SGD(0.01, momentum: 0.9, nesterov: true),
        "adam" => new Adam(0.01),
        "adamw" => new AdamW(0.01, weightDecay: 0.01),
        "rmsprop" => new RMSprop(0.01),
        "rmsprop-centered" => new RMSprop(0.01, momentum: 0.5, centered: true),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void EachOptimizerObjectReducesTheLoss(string kind)
    {
        double ratio = FinalOverInitialLoss(Create(kind));
        Assert.True(ratio < 0.3, $"{kind}: final/initial loss {ratio}");
    }

    [Fact]
    public void KerasDefaults()
    {
        Assert.Equal(0.01, new SGD().LearningRate);
        Assert.Equal(0.001, new Adam().LearningRate);
        Assert.Equal(1e-7, new Adam().Epsilon);
        Assert.Equal(0.004, new AdamW().WeightDecay);
        Assert.Equal(0.9, new RMSprop().Rho);
        Assert.Equal("sgd", OptimizerRegistry.Get("sgd").Name);
        Assert.Equal(0.01, OptimizerRegistry.Get("sgd").LearningRate);
        Assert.Equal(0.001, OptimizerRegistry.Get("rmsprop").LearningRate);
        Assert.Equal(0.5, OptimizerRegistry.Get("adam", learningRate: 0.5).LearningRate);
    }

    [Fact]
    public void LearningRateSetterChangesTheNextSteps()
    {
        Backend.SetRandomSeed(19);
        var x = new float[,] { { 1, 2 }, { -1, 0.5f } };
        var y = new float[] { 1, -1 };
        var model = new Sequential(new Dense(1, inputShape: 2));
        var sgd = new SGD(0.1);
        model.Compile(sgd, "mse");
        model.Fit(x, y, epochs: 1, batchSize: 2, shuffle: false, verbose: 0); // binds the optimizer
        Assert.True(sgd.IsBound);

        sgd.LearningRate = 0.025;
        Assert.Equal(0.025, sgd.LearningRate, 12);
        // One more step: the change must be exactly the new rate times the gradient.
        var kernel = ((Dense)model.Layers[0]).Kernel.Value;
        var before = TestData.Values(kernel);
        using (var output = model.Call(tensor(new float[] { 1, 2, -1, 0.5f }, new long[] { 2, 2 }), training: true))
        using (var loss = new Deepen.Losses.MeanSquaredError().Call(tensor(y), output))
        {
            kernel.grad?.zero_();
            loss.backward();
        }
        var grad = TestData.Values(kernel.grad!);
        model.Fit(x, y, epochs: 1, batchSize: 2, shuffle: false, verbose: 0);
        var after = TestData.Values(kernel);
        TestData.AssertClose(before.Zip(grad, (w, g) => (float)(w - 0.025 * g)).ToArray(), after, 1e-6);
    }

    [Fact]
    public void InvalidLearningRatesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Adam(learningRate: -1));
        Assert.Contains("Received: learningRate=-1", e.Message);
        var sgd = new SGD();
        var s = Assert.Throws<ArgumentException>(() => sgd.LearningRate = 0);
        Assert.Contains("LearningRate", s.Message);
        var n = Assert.Throws<ArgumentException>(() => new SGD(momentum: 1.5));
        Assert.Contains("Received: momentum=1.5", n.Message);
    }

    [Fact]
    public void UnknownNameIsRejectedWithTheValueAndTheChoices()
    {
        var model = new Sequential(new Dense(1, inputShape: 2));
        var e = Assert.Throws<ArgumentException>(() => model.Compile("adamax", "mse"));
        Assert.Equal("optimizer", e.ParamName);
        Assert.Contains("Received: optimizer=\"adamax\"", e.Message);
        Assert.Contains("\"adam\"", e.Message);
        Assert.Contains("\"rmsprop\"", e.Message);
    }
}
