using Deepen.Callbacks;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Callbacks;

/// <summary>
/// The README's promise: <c>ModelCheckpoint</c> + <c>Fit(..., initialEpoch: n)</c> resumes a run that crashed. A run
/// stopped after epoch 2 and resumed from its checkpoint in a "new process" (the same seed set again, the model loaded
/// from the file) must end where the uninterrupted run ends — with shuffling on, so epoch 3 must see epoch 3's order,
/// not the first epoch's again, and Adam must continue from its saved moments and step count.
/// </summary>
[Collection(GlobalSeedCollection.Name)]
public class ResumeTests
{
    const int Seed = 71, Epochs = 4, CrashAfter = 2;

    /// <summary>The same network as a Sequential model or as a functional graph (they train through different loops).</summary>
    static Model NewModel(bool functional)
    {
        Model model;
        if (functional)
        {
            var input = new Input(2);
            model = new Model(input, new Dense(1, "sigmoid").Call(new Dense(8, "tanh").Call(input)));
        }
        else model = new Sequential(new Dense(8, "tanh", inputShape: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        return model;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResumingFromACheckpointWithShufflingEndsWhereTheUninterruptedRunEnds(bool functional)
    {
        using var dir = new TempDir();
        var (x, y) = TestData.TwoMoons(48, 0.1, seed: 8);

        Backend.SetRandomSeed(Seed);
        var full = NewModel(functional);
        full.Fit(x, y, epochs: Epochs, batchSize: 8, shuffle: true, verbose: 0);
        var expected = full.GetWeights();

        Backend.SetRandomSeed(Seed);
        var crashed = NewModel(functional);
        crashed.Fit(x, y, epochs: CrashAfter, batchSize: 8, shuffle: true, verbose: 0,
            callbacks: [new ModelCheckpoint(dir.File("epoch-{epoch}.deepen"))]);

        // A new process: the program sets its seed, loads the last checkpoint and resumes.
        Backend.SetRandomSeed(Seed);
        using var resumed = Model.Load(dir.File($"epoch-{CrashAfter}.deepen"));
        Assert.True(TestData.SameWeights(crashed.GetWeights(), resumed.GetWeights()));
        var history = resumed.Fit(x, y, epochs: Epochs, initialEpoch: CrashAfter, batchSize: 8, shuffle: true, verbose: 0);
        Assert.Equal(new[] { 3, 4 }, history.Epochs.Select(e => e + 1));

        var actual = resumed.GetWeights();
        for (int i = 0; i < expected.Count; i++) TestData.AssertTensorsClose(expected[i], actual[i], 1e-6);

        // Not vacuous: the last two epochs changed the weights, and a resume that replays the first epochs' shuffles
        // (a fresh order stream) ends elsewhere.
        Assert.False(TestData.SameWeights(crashed.GetWeights(), expected));
        Backend.SetRandomSeed(Seed);
        using var replayed = Model.Load(dir.File($"epoch-{CrashAfter}.deepen"));
        replayed.Fit(x, y, epochs: Epochs - CrashAfter, batchSize: 8, shuffle: true, verbose: 0);
        Assert.False(TestData.SameWeights(replayed.GetWeights(), expected), "epochs 3-4 with the orders of epochs 1-2 should differ");
    }
}
