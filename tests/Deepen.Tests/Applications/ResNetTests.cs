using Deepen.Applications;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Applications;

public class ResNetTests
{
    [Fact]
    public void BlockKeepsOrHalvesTheImageWithTheRightShortcut()
    {
        var input = new Input((8, 8, 4));
        var same = ResNet.ResidualBlock(input, 4, name: "b1");
        Assert.Equal(new Shape(8, 8, 4), same.Shape);
        var down = ResNet.ResidualBlock(same, 8, stride: 2, name: "b2");
        Assert.Equal(new Shape(4, 4, 8), down.Shape);
        var model = new Model(input, down);
        var names = model.Layers.Select(l => l.Name).ToList();
        Assert.DoesNotContain("b1_shortcut_conv", names);                  // identity shortcut
        Assert.Contains("b2_shortcut_conv", names);                        // projection shortcut
        Assert.IsType<Add>(model.Layers.Single(l => l.Name == "b1_add"));
        // b1: 2 convs 3×3×4×4 (no bias) + 2 BN(4); b2: 3×3×4×8 + 3×3×8×8 + 1×1×4×8 + 3 BN(8).
        long expected = 2 * (9 * 4 * 4) + 2 * 4 * 4 + (9 * 4 * 8 + 9 * 8 * 8 + 4 * 8) + 3 * 4 * 8;
        Assert.Equal(expected, model.CountParams());
    }

    [Fact]
    public void IdentityShortcutAddsTheInput()
    {
        // With the residual branch's last BN scaled to zero, the block computes relu(x).
        var input = new Input((4, 4, 2));
        var model = new Model(input, ResNet.ResidualBlock(input, 2, name: "r"));
        var gamma = ((BatchNormalization)model.Layers.Single(l => l.Name == "r_bn2")).Weights[0];
        gamma.Assign(zeros(gamma.Shape));
        var x = randn(3, 4, 4, 2);
        Assert.True(model.Call(x).allclose(x.relu(), atol: 1e-6));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Contains("an image tensor", Assert.Throws<ArgumentException>(() => ResNet.ResidualBlock(new Input(3), 4)).Message);
        Assert.Contains("filters", Assert.Throws<ArgumentException>(() => ResNet.ResidualBlock(new Input((4, 4, 1)), 0)).Message);
        Assert.Contains("filters", Assert.Throws<ArgumentException>(() => ResNet.Small((8, 8, 1), 2, filters: [])).Message);
    }

    [Fact]
    public void SmallResNetLearnsBarsAndRoundTrips()
    {
        Backend.SetRandomSeed(31);
        var (x, y) = TestData.Bars(256, seed: 2, size: 12);
        var model = ResNet.Small((12, 12, 1), classes: 2, filters: [8, 16]);
        model.Compile(new Deepen.Optimizers.Adam(0.005), "sparse_categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, epochs: 8, batchSize: 16, verbose: 0);
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]}");
        using var dir = new TempDir();
        model.Save(dir.File("resnet.deepen"));
        var loaded = Model.Load(dir.File("resnet.deepen"));
        Assert.True(Same(model.Predict(x), loaded.Predict(x)));
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
