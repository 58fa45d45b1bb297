using System.Globalization;
using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Callbacks;

public class CSVLoggerTests
{
    [Fact]
    public void WritesAHeaderAndOneRowPerEpoch()
    {
        Backend.SetRandomSeed(30);
        using var dir = new TempDir();
        var (x, y) = TestData.TwoMoons(40, 0.1, seed: 8);
        var model = new Sequential(new Dense(4, "relu", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        string path = dir.File("log.csv");
        var history = model.Fit(x, y, epochs: 3, batchSize: 10, validationSplit: 0.25, callbacks: [new CSVLogger(path)], verbose: 0);

        var lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.Equal("epoch,accuracy,loss,val_accuracy,val_loss", lines[0]);
        for (int e = 0; e < 3; e++)
        {
            var cells = lines[e + 1].Split(',');
            Assert.Equal(e.ToString(), cells[0]);
            Assert.Equal(history["accuracy"][e], double.Parse(cells[1], CultureInfo.InvariantCulture));
            Assert.Equal(history["loss"][e], double.Parse(cells[2], CultureInfo.InvariantCulture));
            Assert.Equal(history["val_loss"][e], double.Parse(cells[4], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void AppendKeepsEarlierRowsWithoutASecondHeader()
    {
        Backend.SetRandomSeed(31);
        using var dir = new TempDir();
        var model = new Sequential(new Dense(1, inputShape: 1));
        model.Compile("sgd", "mse");
        string path = dir.File("log.csv");
        model.Fit(new float[,] { { 1 } }, new float[] { 1 }, epochs: 2, callbacks: [new CSVLogger(path)], verbose: 0);
        model.Fit(new float[,] { { 1 } }, new float[] { 1 }, epochs: 3, initialEpoch: 2, callbacks: [new CSVLogger(path, separator: ',', append: true)], verbose: 0);
        var lines = File.ReadAllLines(path);
        Assert.Equal(new[] { "epoch,loss", "0", "1", "2" }, lines.Select(l => l.Split(',')[0] == "epoch" ? l : l.Split(',')[0]));

        model.Fit(new float[,] { { 1 } }, new float[] { 1 }, epochs: 1, callbacks: [new CSVLogger(path)], verbose: 0);
        Assert.Equal(2, File.ReadAllLines(path).Length); // without append the file starts over
    }
}
