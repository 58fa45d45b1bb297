using Deepen.Layers;
using Deepen.Losses;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Training;

/// <summary>
/// The seed's two-layer ReLU network with MSE: autograd's gradients against the closed-form backpropagation
/// δ⁽²⁾ = 2(ŷ − y)/(N·m), δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ relu′(z⁽¹⁾), ∂W = δ aᵀ, ∂b = δ (summed over samples).
/// </summary>
public class GradientTests
{
    const int N = 5, In = 3, Hidden = 4, Out = 2;

    static (float[,] X, float[,] Y) Data()
    {
        var r = new Random(42);
        var x = new float[N, In];
        var y = new float[N, Out];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < In; j++) x[i, j] = (float)(2 * r.NextDouble() - 1);
            for (int k = 0; k < Out; k++) y[i, k] = (float)(2 * r.NextDouble() - 1);
        }
        return (x, y);
    }

    static Sequential Model()
    {
        Backend.SetRandomSeed(15);
        return new Sequential(
            new Dense(Hidden, "relu", biasInitializer: "random_uniform", inputShape: In),
            new Dense(Out, biasInitializer: "random_uniform"));
    }

    static double[,] Matrix(Weight w)
    {
        var v = TestData.Values(w.Value);
        long rows = w.Shape[0], cols = w.Shape[1];
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) m[i, j] = v[i * cols + j];
        return m;
    }

    /// <summary>Closed-form loss and gradients; kernels are [units, inputs] as Deepen stores them.</summary>
    static (double Loss, double[,] dW1, double[] db1, double[,] dW2, double[] db2, int Inactive) Backprop(Sequential model, float[,] x, float[,] y)
    {
        var d1 = (Dense)model.Layers[0];
        var d2 = (Dense)model.Layers[1];
        double[,] w1 = Matrix(d1.Kernel), w2 = Matrix(d2.Kernel);
        double[] b1 = TestData.Values(d1.Bias!.Value).Select(v => (double)v).ToArray(), b2 = TestData.Values(d2.Bias!.Value).Select(v => (double)v).ToArray();
        var dW1 = new double[Hidden, In];
        var db1 = new double[Hidden];
        var dW2 = new double[Out, Hidden];
        var db2 = new double[Out];
        double loss = 0;
        int inactive = 0;
        for (int n = 0; n < N; n++)
        {
            var z1 = new double[Hidden];
            var a1 = new double[Hidden];
            for (int h = 0; h < Hidden; h++)
            {
                z1[h] = b1[h];
                for (int i = 0; i < In; i++) z1[h] += w1[h, i] * x[n, i];
                a1[h] = Math.Max(0, z1[h]);
                if (z1[h] <= 0) inactive++;
            }
            var delta2 = new double[Out];
            for (int o = 0; o < Out; o++)
            {
                double yHat = b2[o];
                for (int h = 0; h < Hidden; h++) yHat += w2[o, h] * a1[h];
                loss += (yHat - y[n, o]) * (yHat - y[n, o]) / (N * Out);
                delta2[o] = 2 * (yHat - y[n, o]) / (N * Out);
            }
            var delta1 = new double[Hidden];
            for (int h = 0; h < Hidden; h++)
            {
                double back = 0;
                for (int o = 0; o < Out; o++) back += w2[o, h] * delta2[o];
                delta1[h] = z1[h] > 0 ? back : 0;
            }
            for (int o = 0; o < Out; o++)
            {
                db2[o] += delta2[o];
                for (int h = 0; h < Hidden; h++) dW2[o, h] += delta2[o] * a1[h];
            }
            for (int h = 0; h < Hidden; h++)
            {
                db1[h] += delta1[h];
                for (int i = 0; i < In; i++) dW1[h, i] += delta1[h] * x[n, i];
            }
        }
        return (loss, dW1, db1, dW2, db2, inactive);
    }

    static float[] Flat(double[,] m) => m.Cast<double>().Select(v => (float)v).ToArray();
    static float[] Flat(double[] v) => v.Select(d => (float)d).ToArray();

    [Fact]
    public void AutogradMatchesClosedFormBackpropagation()
    {
        var model = Model();
        var (x, y) = Data();
        var expected = Backprop(model, x, y);
        // The case must exercise both ReLU branches, or relu' is not really tested.
        Assert.InRange(expected.Inactive, 1, N * Hidden - 1);

        using var tx = tensor(x.Cast<float>().ToArray(), new long[] { N, In });
        using var ty = tensor(y.Cast<float>().ToArray(), new long[] { N, Out });
        using var output = model.Call(tx, training: true);
        using var loss = new MeanSquaredError().Call(ty, output);
        loss.backward();

        Assert.Equal(expected.Loss, loss.item<float>(), 5);
        var d1 = (Dense)model.Layers[0];
        var d2 = (Dense)model.Layers[1];
        TestData.AssertClose(Flat(expected.dW1), TestData.Values(d1.Kernel.Value.grad!), 1e-5);
        TestData.AssertClose(Flat(expected.db1), TestData.Values(d1.Bias!.Value.grad!), 1e-5);
        TestData.AssertClose(Flat(expected.dW2), TestData.Values(d2.Kernel.Value.grad!), 1e-5);
        TestData.AssertClose(Flat(expected.db2), TestData.Values(d2.Bias!.Value.grad!), 1e-5);
    }

    [Fact]
    public void OneSgdStepMovesEachWeightByMinusLearningRateTimesGradient()
    {
        const double alpha = 0.1;
        var model = Model();
        var (x, y) = Data();
        var g = Backprop(model, x, y);
        var before = model.Weights.Select(w => TestData.Values(w.Value)).ToList();
        float[][] grads = { Flat(g.dW1), Flat(g.db1), Flat(g.dW2), Flat(g.db2) };

        model.Compile(new SGD(alpha), "mse");
        var history = model.Fit(x, y, epochs: 1, batchSize: N, shuffle: false, verbose: 0);

        Assert.Equal(g.Loss, history["loss"].Single(), 5); // the reported loss is that of the weights before the step
        var after = model.Weights.Select(w => TestData.Values(w.Value)).ToList();
        for (int k = 0; k < 4; k++)
        {
            var expected = before[k].Zip(grads[k], (w, d) => (float)(w - alpha * d)).ToArray();
            TestData.AssertClose(expected, after[k], 1e-6);
            Assert.NotEqual(before[k], after[k]);
        }
    }
}
