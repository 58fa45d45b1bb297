using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Training;

/// <summary>A seed makes weights, shuffling and dropout — and so the whole of training — repeatable on the CPU.</summary>
public class DeterminismTests
{
    static List<TorchSharp.torch.Tensor> Train(int seed)
    {
        Backend.SetRandomSeed(seed);
        var (x, y) = TestData.TwoMoons(48, 0.2, seed: 26); // the data itself does not depend on the seed
        var model = new Sequential(
            new Dense(16, "relu", inputShape: 2),
            new Dropout(0.3),
            new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        model.Fit(x, y, epochs: 3, batchSize: 8, shuffle: true, verbose: 0);
        return model.GetWeights();
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsAfterFit()
    {
        var a = Train(7);
        var b = Train(7);
        Assert.True(TestData.SameWeights(a, b));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentWeights()
    {
        var a = Train(7);
        var b = Train(8);
        Assert.False(TestData.SameWeights(a, b));
    }

    [Fact]
    public void SameSeedGivesTheSameInitialWeights()
    {
        Backend.SetRandomSeed(3);
        var a = new Sequential(new Conv2D(4, 3, inputShape: (6, 6, 2)), new Flatten(), new Dense(2)).GetWeights();
        Backend.SetRandomSeed(3);
        var b = new Sequential(new Conv2D(4, 3, inputShape: (6, 6, 2)), new Flatten(), new Dense(2)).GetWeights();
        Assert.True(TestData.SameWeights(a, b));
        Assert.Equal(3, Backend.Seed);
    }
}
