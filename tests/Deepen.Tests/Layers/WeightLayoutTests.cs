using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

/// <summary>GetWeights/SetWeights take and return Keras's layouts; the LibTorch layouts have their own names.</summary>
public class WeightLayoutTests
{
    [Fact] // keras/src/layers/core/dense_test.py::test_dense_correctness — the kernel is (in, units)
    public void DenseKernelIsInByUnits()
    {
        var model = new Sequential(new Dense(2, "relu", inputShape: 2));
        model.Layers[0].SetWeights([tensor(new float[,] { { 1, -2 }, { 3, -4 } }), tensor(new[] { 5f, -6f })]);
        TestData.AssertClose([10f, 0f], TestData.Values(model.Predict(tensor(new float[,] { { -1, 2 } }), verbose: 0)), 1e-6);

        var plain = new Sequential(new Dense(2, useBias: false, inputShape: 2));
        plain.SetWeights([tensor(new float[,] { { 1, -2 }, { 3, -4 } })]);
        TestData.AssertClose([5f, -6f], TestData.Values(plain.Predict(tensor(new float[,] { { -1, 2 } }), verbose: 0)), 1e-6);
        Assert.Equal([2L, 2L], plain.GetWeights()[0].shape);
        TestData.AssertClose([1, -2, 3, -4], TestData.Values(plain.GetWeights()[0]), 0);
    }

    [Fact] // base_conv.py: kernel_shape = kernel_size + (input_channel // groups, filters); closed-form cross-correlation
    public void Conv2DKernelIsHeightWidthInOut()
    {
        var model = new Sequential(new Conv2D(1, (2, 2), inputShape: (3, 3, 2)));
        var k = new float[2, 2, 2, 1];
        for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int c = 0; c < 2; c++) k[a, b, c, 0] = 1 + a * 4 + b * 2 + c;
        var x = new float[1, 3, 3, 2];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int c = 0; c < 2; c++) x[0, i, j, c] = (i * 3 + j) * (c == 0 ? 1 : -0.5f);
        model.SetWeights([tensor(k), tensor(new[] { 0.25f })]);
        var expected = new List<float>();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                float sum = 0.25f;
                for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int c = 0; c < 2; c++) sum += x[0, i + a, j + b, c] * k[a, b, c, 0];
                expected.Add(sum);
            }
        TestData.AssertClose(expected, TestData.Values(model.Predict(tensor(x), verbose: 0)), 1e-5);
        Assert.Equal([2L, 2L, 2L, 1L], model.GetWeights()[0].shape);
        Assert.Equal([1L, 2L, 2L, 2L], model.GetWeightsTorchLayout()[0].shape);
    }

    static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    [Fact] // lstm.py: kernel (features, 4·units), recurrent_kernel (units, 4·units), gates i, f, c, o; two steps by hand
    public void LSTMKernelsAreKerasShaped()
    {
        var model = new Sequential(new LSTM(1, inputShape: (2, 2)));
        float[,] kernel = { { 0.1f, 0.2f, 0.3f, 0.4f }, { -0.5f, 0.6f, -0.7f, 0.8f } };
        float[,] recurrent = { { 0.9f, -1.0f, 1.1f, -1.2f } };
        float[] bias = { 0.01f, 0.02f, 0.03f, 0.04f };
        model.SetWeights([tensor(kernel), tensor(recurrent), tensor(bias)]);
        float[,,] x = { { { 1, 2 }, { -1, 0.5f } } };
        double h = 0, c = 0;
        for (int t = 0; t < 2; t++)
        {
            var z = Enumerable.Range(0, 4).Select(g => x[0, t, 0] * kernel[0, g] + x[0, t, 1] * kernel[1, g] + h * recurrent[0, g] + bias[g]).ToArray();
            c = Sigmoid(z[1]) * c + Sigmoid(z[0]) * Math.Tanh(z[2]);
            h = Sigmoid(z[3]) * Math.Tanh(c);
        }
        Assert.Equal(h, TestData.Values(model.Predict(tensor(x), verbose: 0))[0], 5);
        Assert.Equal([2L, 4L], model.GetWeights()[0].shape);
        Assert.Equal([1L, 4L], model.GetWeights()[1].shape);
    }

    [Fact] // multi_head_attention.py: EinsumDense kernels (dim, heads, key_dim) and (heads, value_dim, dim); gru.py bias (2, 3·units)
    public void AttentionAndGruShapesAreKeras()
    {
        var attention = new MultiHeadAttention(numHeads: 2, keyDim: 3);
        var q = new Input((4, 5));
        var model = new Model(q, attention.Call(q, q));
        var shapes = model.GetWeights().Select(w => w.shape).ToList();
        Assert.Equal([5L, 2L, 3L], shapes[0]);       // query kernel
        Assert.Equal([2L, 3L, 5L], shapes[3]);        // output kernel (heads, value_dim, dim)
        Assert.Equal([2L, 3L], shapes[4]);            // query bias (heads, key_dim)
        model.SetWeights(model.GetWeights());        // a round trip through Keras's layout is exact
        var gru = new Sequential(new GRU(4, inputShape: (3, 2)));
        Assert.Equal([[2L, 12L], [4L, 12L], [2L, 12L]], gru.GetWeights().Select(w => w.shape).ToArray());
    }

    [Fact]
    public void ATransposedKernelIsRejectedWithBothShapes()
    {
        var model = new Sequential(new Dense(3, inputShape: 2));
        var e = Assert.Throws<ArgumentException>(() => model.SetWeights([zeros(3, 2), zeros(3)]));
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(3, 2)", e.Message);
    }

    [Fact]
    public void TorchLayoutRoundTripIsBitExact()
    {
        Backend.SetRandomSeed(3);
        var a = new Sequential(new Conv2D(2, 3, inputShape: (5, 5, 1)), new Flatten(), new Dense(3));
        var b = new Sequential(new Conv2D(2, 3, inputShape: (5, 5, 1)), new Flatten(), new Dense(3));
        b.SetWeightsTorchLayout(a.GetWeightsTorchLayout());
        Assert.True(TestData.SameWeights(a.GetWeights(), b.GetWeights()));
        Assert.Equal([3L, 18L], a.GetWeightsTorchLayout()[2].shape);
        Assert.Equal([18L, 3L], a.GetWeights()[2].shape);
    }
}
