using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Regularizers;
using static TorchSharp.torch;

namespace Deepen.Tests.Training;

/// <summary>
/// <c>Model.ComputeLoss</c> (Keras 3's <c>Model.compute_loss</c>, keras/src/trainers/trainer.py: the compiled loss plus
/// <c>sum(model.losses)</c>) is what a training step minimizes. A softmax output with a cross-entropy is computed from its
/// logits, as Keras's TensorFlow backend does through <c>output._keras_logits</c>
/// (keras/src/backend/tensorflow/nn.py, <c>categorical_crossentropy</c>), so saturated outputs are not clipped at
/// -log(1e-7).
/// </summary>
public class ComputeLossTests
{
    const double L2Factor = 0.01;

    /// <summary>A softmax layer on 5 features, 4 classes, with weights large enough to saturate the probabilities.</summary>
    static (Sequential Model, Tensor X, Tensor Y) Saturated()
    {
        var g = new Generator(3);
        int n = 12, d = 5, classes = 4;
        var x = randn(new long[] { n, d }, generator: g) * 40;
        var y = randint(0, classes, new long[] { n }, generator: g);
        var model = new Sequential(new Layer[] { new Dense(classes, activation: "softmax", kernelRegularizer: new L2(L2Factor)) });
        model.Build(d);
        model.Compile(new SGD(0.1), "sparse_categorical_crossentropy", ["accuracy"]);
        return (model, x, y);
    }

    static (Tensor Kernel, Tensor Bias) Weights(Model model) =>
        (model.TrainableWeights.Single(w => w.Name.EndsWith("kernel", StringComparison.Ordinal)).Value,
         model.TrainableWeights.Single(w => w.Name.EndsWith("bias", StringComparison.Ordinal)).Value);

    [Fact]
    public void ItIsTheCrossEntropyOfTheLogitsPlusThePenaltyAndItsGradientIsTheClosedForm()
    {
        using var scope = NewDisposeScope();
        Backend.SetRandomSeed(4);
        var (model, x, y) = Saturated();
        var (kernel, bias) = Weights(model);
        var z = x.matmul(kernel.detach().t()) + bias.detach();                  // the kernel is stored [units, inputs], as LibTorch's Linear
        var logProbabilities = z.log_softmax(1);
        double crossEntropy = -logProbabilities.gather(1, y.unsqueeze(1)).mean().item<float>();
        double penalty = L2Factor * kernel.detach().square().sum().item<float>();
        Assert.True(crossEntropy > 17, $"the test needs saturated outputs (a clipped loss stops at -log(1e-7) ≈ 16.1 per sample); got {crossEntropy}");

        var loss = model.ComputeLoss(x, y);
        Assert.Equal(crossEntropy + penalty, loss.item<float>(), (crossEntropy + penalty) * 1e-5);

        // d/dz of the mean cross-entropy is (softmax(z) - onehot(y)) / n; the penalty adds 2·l2·W to the kernel's.
        loss.backward();
        var dz = (logProbabilities.exp() - nn.functional.one_hot(y, 4).to(ScalarType.Float32)) / x.shape[0];
        var expectedKernel = dz.t().matmul(x) + 2 * L2Factor * kernel.detach();
        var expectedBias = dz.sum(new long[] { 0 });
        Assert.True(kernel.grad!.allclose(expectedKernel, rtol: 1e-4, atol: 1e-5), "kernel gradient differs from the closed form");
        Assert.True(bias.grad!.allclose(expectedBias, rtol: 1e-4, atol: 1e-6), "bias gradient differs from the closed form");
    }

    [Fact]
    public void InInferenceModeItIsWhatEvaluateReports()
    {
        using var scope = NewDisposeScope();
        Backend.SetRandomSeed(5);
        var (model, x, y) = Saturated();
        double evaluated = model.Evaluate(x, y, batchSize: (int)x.shape[0], verbose: 0)["loss"];
        Assert.Equal(evaluated, model.ComputeLoss(x, y, training: false).item<float>(), evaluated * 1e-5);
    }

    [Fact]
    public void TrainingModeRunsDropoutAndInferenceModeDoesNot()
    {
        using var scope = NewDisposeScope();
        Backend.SetRandomSeed(6);
        var x = randn(32, 8);
        var y = randint(0, 3, new long[] { 32 });
        var model = new Sequential(new Dense(16, "relu", inputShape: 8), new Dropout(0.5), new Dense(3, "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        float a = model.ComputeLoss(x, y, training: false).item<float>(), b = model.ComputeLoss(x, y, training: false).item<float>();
        Assert.Equal(a, b);
        float c = model.ComputeLoss(x, y).item<float>(), d = model.ComputeLoss(x, y).item<float>();
        Assert.NotEqual(c, d);                                                   // a fresh dropout mask each call
    }

    [Fact]
    public void ItNeedsACompiledModelAndMatchingTargets()
    {
        using var scope = NewDisposeScope();
        var model = new Sequential(new Dense(2, "softmax", inputShape: 3));
        var error = Assert.Throws<InvalidOperationException>(() => model.ComputeLoss(randn(4, 3), randint(0, 2, new long[] { 4 })));
        Assert.Contains("Compile() before ComputeLoss()", error.Message);

        model.Compile("adam", "sparse_categorical_crossentropy");
        var mismatch = Assert.Throws<ArgumentException>(() => model.ComputeLoss(randn(4, 3), randint(0, 2, new long[] { 5 })));
        Assert.Contains("`x` has 4 samples but `y` has 5", mismatch.Message);
    }
}
