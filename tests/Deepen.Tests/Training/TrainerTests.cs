using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Training;

/// <summary>
/// The one training loop: a functional model with two inputs trained from a generator (an IBatchSource) with class
/// weights, and the ids that batches carry through to predictions.
/// </summary>
public class TrainerTests
{
    /// <summary>Two inputs; the label is 1 when the sum of both inputs' features is positive.</summary>
    sealed class TwoInputGenerator : IBatchSource
    {
        readonly Tensor _a, _b, _y;
        public TwoInputGenerator(int n, int seed)
        {
            var g = manual_seed(seed);
            _a = randn(n, 4);
            _b = randn(n, 3);
            _y = (_a.sum(1) + _b.sum(1)).gt(0).to(ScalarType.Int64);
            g.Dispose();
        }
        public int Count => (int)_a.shape[0];
        public int BatchesPerEpoch => (Count + 15) / 16;
        public Tensor Labels => _y;
        public IEnumerable<Batch> GetBatches(int epoch)
        {
            for (int start = 0; start < Count; start += 16)
            {
                int n = Math.Min(16, Count - start);
                yield return new Batch(new[] { _a.narrow(0, start, n), _b.narrow(0, start, n) }, new[] { _y.narrow(0, start, n) },
                    ids: Enumerable.Range(start, n).Select(i => $"sample-{i}").ToArray());
            }
        }
    }

    static Model TwoInputModel()
    {
        KerasTensor a = new Input(4, name: "a");
        KerasTensor b = new Input(3, name: "b");
        var h = new Dense(8, activation: "tanh").Call(new Concatenate().Call(a, b));
        return new Model(new[] { a, b }, new Dense(2, activation: "softmax").Call(h));
    }

    [Fact]
    public void MultiInputModelTrainsFromAGeneratorWithClassWeights()
    {
        Backend.SetRandomSeed(7);
        var data = new TwoInputGenerator(192, seed: 3);
        var model = TwoInputModel();
        model.Compile(new Adam(0.05), "sparse_categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(data, epochs: 25, classWeight: new Dictionary<int, double> { [0] = 1.0, [1] = 2.0 }, verbose: 0);
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]}");
        Assert.True(history["loss"][^1] < history["loss"][0] / 2, $"loss {history["loss"][0]} → {history["loss"][^1]}");
    }

    sealed class FirstBatchLoss : Callback
    {
        public double? Value;
        public override void OnTrainBatchEnd(int batch, Func<double> loss) => Value ??= loss();
    }

    [Fact]
    public void ClassWeightsScaleEachSampleLossAsKerasDoes()
    {
        // The first batch's loss is computed before any update: Σ w(y_i)·(−log p_i[y_i]) / n over its 16 samples
        // (Keras's sum_over_batch_size, with the class weight as the sample weight).
        Backend.SetRandomSeed(8);
        var data = new TwoInputGenerator(40, seed: 4);
        var model = TwoInputModel();
        model.Compile("sgd", "sparse_categorical_crossentropy");
        using var before = model.GetPredictions(data);
        var weights = new Dictionary<int, double> { [0] = 0.5, [1] = 3.0 };
        var first = new FirstBatchLoss();
        model.Fit(data, epochs: 1, classWeight: weights, callbacks: [first], verbose: 0);

        var p = TestData.Values(before.Probabilities[0]);
        var y = data.Labels.data<long>().ToArray();
        double expected = 0;
        for (int i = 0; i < 16; i++) expected += weights[(int)y[i]] * -Math.Log(p[i * 2 + y[i]]);
        expected /= 16;
        Assert.Equal(expected, first.Value!.Value, 4);
    }

    [Fact]
    public void PredictionsKeepTheBatchesIdsProbabilitiesAndPerSampleLosses()
    {
        Backend.SetRandomSeed(9);
        var data = new TwoInputGenerator(37, seed: 5);
        var model = TwoInputModel();
        model.Compile("adam", "sparse_categorical_crossentropy");
        using var preds = model.GetPredictions(data);
        Assert.Equal(37, preds.Count);
        Assert.Equal(Enumerable.Range(0, 37).Select(i => $"sample-{i}"), preds.Ids!);
        var p = TestData.Values(preds.Probabilities[0]);
        var losses = TestData.Values(preds.Losses!);
        var y = data.Labels.data<long>().ToArray();
        for (int i = 0; i < 37; i++)
        {
            Assert.Equal(1.0, p[2 * i] + p[2 * i + 1], 5);                          // softmax rows
            Assert.Equal(-Math.Log(p[2 * i + y[i]]), losses[i], 4);                  // the compiled loss per sample
        }
    }

    [Fact]
    public void ShuffledTensorBatchesCarryTheirRowNumbers()
    {
        Backend.SetRandomSeed(10);
        using var x = arange(10, dtype: ScalarType.Float32).reshape(10, 1);
        var source = new TensorBatchSource(x, null, batchSize: 3, shuffle: true);
        foreach (var batch in source.GetBatches(0))
            using (batch)
                Assert.Equal(TestData.Values(batch.X).Select(v => ((int)v).ToString()), batch.Ids!);
    }
}
