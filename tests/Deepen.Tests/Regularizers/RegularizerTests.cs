using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Regularizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Regularizers;

/// <summary>
/// keras/src/regularizers/regularizers_test.py (test_l1, test_l2, test_l1_l2, test_get_method, test_config,
/// validate_float_arg) and Keras's trainer (keras/src/trainers/trainer.py, compute_loss: sum(model.losses) joins the loss).
/// </summary>
public class RegularizerTests
{
    [Fact] // test_l1, test_l2, test_l1_l2
    public void ClosedForms()
    {
        Backend.SetRandomSeed(1);
        using var x = rand(4, 4);
        double abs = x.abs().sum().item<float>(), sq = x.square().sum().item<float>();
        Assert.Equal(0.1 * abs, new L1(0.1).Call(x).item<float>(), 5);
        Assert.Equal(0.1 * sq, new L2(0.1).Call(x).item<float>(), 5);
        Assert.Equal(0.1 * abs + 0.2 * sq, new L1L2(l1: 0.1, l2: 0.2).Call(x).item<float>(), 5);
        Assert.Equal(0.01 * abs, ((Regularizer)"l1").Call(x).item<float>(), 5);   // Keras's default factors
        Assert.Equal(0.01 * sq, ((Regularizer)"l2").Call(x).item<float>(), 5);
        Assert.Equal(0, ((Regularizer)"l1_l2").Call(x).item<float>());             // Keras 3: L1L2(l1=0.0, l2=0.0)
    }

    [Fact] // test_get_method, test_config, validate_float_arg
    public void NamesConfigsAndErrors()
    {
        Assert.IsType<L1L2>(Regularizer.Get("l1l2"));
        Assert.IsType<L1>(Regularizer.Get("l1"));
        Assert.IsType<L2>(Regularizer.Get("l2"));
        Assert.Contains("Could not interpret regularizer identifier: typo", Assert.Throws<ArgumentException>(() => Regularizer.Get("typo")).Message);
        var back = (L1L2)Regularizer.FromJson(new L1L2(0.1, 0.2).ToJson())!;
        Assert.Equal((0.1, 0.2), (back.L1Factor, back.L2Factor));
        Assert.Equal("{\"class_name\":\"L2\",\"config\":{\"l2\":0.1}}", new L2(0.1).ToJson().ToJsonString());
        Assert.Contains("Invalid value for argument l1: expected a non-negative float.Received: l1=-1", Assert.Throws<ArgumentException>(() => new L1(-1)).Message);
        Assert.Throws<ArgumentException>(() => new L2(double.NaN));
    }

    [Fact]
    public void TheReportedLossIncludesWeightPenalties()
    {
        Backend.SetRandomSeed(2);
        var model = new Sequential(new Dense(3, kernelRegularizer: new L2(0.1), biasRegularizer: new L1(0.5), inputShape: 4));
        model.Compile(new SGD(0.01), "mse");
        using var x = randn(8, 4);
        using var y = randn(8, 3);
        var dense = (Dense)model.Layers[0];
        using (no_grad()) dense.Bias!.Value.copy_(tensor(new[] { 1f, -2f, 0.5f }));
        using var pred = model.Predict(x, verbose: 0);
        double mse = (pred - y).square().mean().item<float>();
        double penalty = 0.1 * dense.Kernel.Value.square().sum().item<float>() + 0.5 * 3.5;
        Assert.Equal(mse + penalty, model.Evaluate(x, y, verbose: 0)["loss"], 4);
        Assert.Equal(penalty, model.RegularizationLoss().item<float>(), 4);
        var history = model.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0);   // one batch: its loss is taken before the step
        Assert.Equal(mse + penalty, history["loss"][0], 4);
    }

    [Fact]
    public void ThePenaltyIsMinimized()
    {
        // With zero inputs the data loss has no gradient for the kernel: one SGD step is w - lr·2·l2·w (Keras's L2: l2·Σw²).
        var model = new Sequential(new Dense(2, useBias: false, kernelRegularizer: new L2(0.25), inputShape: 3));
        model.Compile(new SGD(0.1), "mse");
        var kernel = ((Dense)model.Layers[0]).Kernel;
        var before = TestData.Values(kernel.Value);
        model.Fit(zeros(4, 3), zeros(4, 2), epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
        TestData.AssertClose(before.Select(w => w * (1 - 0.1f * 2 * 0.25f)).ToArray(), TestData.Values(kernel.Value), 1e-6);
    }

    [Fact] // keras/src/layers/layer.py __call__: the activity penalty is the regularizer of the output divided by the batch size
    public void ActivityPenaltyIsPerSample()
    {
        var model = new Sequential(new Dense(2, activation: "relu", activityRegularizer: new L1(0.5), inputShape: 2));
        model.Compile(new SGD(0.01), "mse");
        using var x = tensor(new float[,] { { 1, 2 }, { -1, 3 }, { 0.5f, 0.5f } });
        using var y = zeros(3, 2);
        using var pred = model.Predict(x, verbose: 0);
        double mse = pred.square().mean().item<float>();
        double activity = 0.5 * pred.abs().sum().item<float>() / 3;
        Assert.Equal(mse + activity, model.Evaluate(x, y, batchSize: 3, verbose: 0)["loss"], 4);
    }

    [Fact]
    public void ConfigRoundTripKeepsRegularizers()
    {
        var layer = new Conv2D(4, 3, kernelRegularizer: "l2", activityRegularizer: new L1L2(0.1, 0.2));
        var copy = (Conv2D)LayerRegistry.Create(layer.ClassName, layer.GetConfig());
        Assert.Equal(0.01, ((L2)copy.KernelRegularizer!).L2Factor);
        Assert.Equal(0.2, ((L1L2)copy.ActivityRegularizer!).L2Factor);
        Assert.Null(copy.BiasRegularizer);
        var lstm = (LSTM)LayerRegistry.Create("LSTM", new LSTM(3, recurrentRegularizer: new L1(0.3)).GetConfig());
        Assert.Equal(0.3, ((L1)lstm.RecurrentRegularizer!).L1Factor);
    }
}
