using Deepen.Layers;
using Deepen.Models;

namespace Deepen.Tests.Layers.Recurrent;

/// <summary>An LSTM learns an order-dependent label that a bag-of-words model cannot see.</summary>
public class OrderTaskTests
{
    [Fact]
    public void LstmLearnsWhetherAComesBeforeBWhileBagOfWordsStaysAtChance()
    {
        var (x, y) = SequenceData.AThenB(640, 8, 4, seed: 51);
        var (xTest, yTest) = SequenceData.AThenB(400, 8, 4, seed: 52);

        Backend.SetRandomSeed(51);
        var lstm = new Sequential(new Embedding(7, 8, inputShape: 8), new LSTM(16), new Dense(1, "sigmoid"));
        lstm.Compile("adam", "binary_crossentropy", ["accuracy"]);
        lstm.Fit(x, y, epochs: 10, batchSize: 32, verbose: 0);
        double lstmAccuracy = lstm.Evaluate(xTest, yTest, verbose: 0)["accuracy"];

        Backend.SetRandomSeed(51);
        var bag = new Sequential(new Embedding(7, 8, inputShape: 8), new GlobalAveragePooling1D(), new Dense(16, "relu"), new Dense(1, "sigmoid"));
        bag.Compile("adam", "binary_crossentropy", ["accuracy"]);
        bag.Fit(x, y, epochs: 10, batchSize: 32, verbose: 0);
        double bagAccuracy = bag.Evaluate(xTest, yTest, verbose: 0)["accuracy"];

        Assert.True(lstmAccuracy >= 0.9, $"LSTM test accuracy {lstmAccuracy:F3}");
        Assert.InRange(bagAccuracy, 0.38, 0.62);
    }
}
