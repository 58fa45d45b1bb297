using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Preprocessing;

public class RandomLayersTests
{
    /// <summary>A batch [n, 6, 6, 2] of distinct values.</summary>
    static Tensor Images(int n = 4) => arange(n * 6 * 6 * 2, dtype: ScalarType.Float32).reshape(n, 6, 6, 2);

    public static TheoryData<Func<Layer>> AllLayers => new()
    {
        () => new RandomFlip(seed: 1),
        () => new RandomRotation(0.2, seed: 1),
        () => new RandomZoom(0.3, seed: 1),
        () => new RandomTranslation(0.2, 0.2, seed: 1),
        () => new RandomContrast(0.5, seed: 1),
    };

    [Theory]
    [MemberData(nameof(AllLayers))]
    public void InactiveAtInferenceActiveInTraining(Func<Layer> create)
    {
        var layer = create();
        using var x = Images();
        layer.Build(new Shape(6, 6, 2));
        using var inference = layer.Call(x, training: false);
        Assert.Equal(x.data<float>().ToArray(), inference.data<float>().ToArray());
        using var trained = layer.Call(x, training: true);
        Assert.Equal(x.shape, trained.shape);
        Assert.NotEqual(x.data<float>().ToArray(), trained.data<float>().ToArray());
    }

    [Theory]
    [MemberData(nameof(AllLayers))]
    public void ConfigRoundTripsThroughTheRegistry(Func<Layer> create)
    {
        var layer = create();
        var config = layer.GetConfig();
        var copy = LayerRegistry.Create(layer.ClassName, config);
        Assert.Equal(config.Json.ToJsonString(), copy.GetConfig().Json.ToJsonString());
        using var x = Images();
        using var a = layer.Call(x, training: true);
        using var b = copy.Call(x, training: true);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());     // same seed, same draws
    }

    [Fact]
    public void FlipMirrorsOrKeepsEachImage()
    {
        using var x = Images(16);
        using var y = new RandomFlip("horizontal", seed: 3).Call(x, training: true);
        int flipped = 0;
        for (int i = 0; i < 16; i++)
        {
            bool same = x[i].data<float>().SequenceEqual(y[i].data<float>());
            bool mirrored = x[i].flip(1).data<float>().SequenceEqual(y[i].data<float>());
            Assert.True(same ^ mirrored, $"image {i} is neither itself nor its mirror");
            if (mirrored) flipped++;
        }
        Assert.InRange(flipped, 1, 15);
    }

    [Fact]
    public void FixedQuarterTurnRotatesCounterClockwise()
    {
        using var x = Images(2);
        using var y = new RandomRotation((0.25, 0.25)).Call(x, training: true);
        using var expected = x.rot90(1, (1, 2));                                // torch.rot90 over (H, W) is counter-clockwise
        Assert.True((y - expected).abs().max().item<float>() < 1e-3);
    }

    [Fact]
    public void FixedTranslationMovesContentDownAndReflectsTheEdge()
    {
        using var x = Images(1);
        using var y = new RandomTranslation((1.0 / 3, 1.0 / 3), (0, 0), interpolation: "nearest").Call(x, training: true);
        for (int i = 2; i < 6; i++) Assert.Equal(x[0, i - 2].data<float>().ToArray(), y[0, i].data<float>().ToArray());
        Assert.Equal(x[0, 0].data<float>().ToArray(), y[0, 1].data<float>().ToArray());   // reflect: b a | a b
        Assert.Equal(x[0, 1].data<float>().ToArray(), y[0, 0].data<float>().ToArray());
    }

    [Fact]
    public void FixedZoomInMagnifiesTheCentre()
    {
        var img = new float[1, 4, 4, 1];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) img[0, i, j, 0] = 10 * i + j;
        using var x = Deepen.Data.ArrayConverter.ToTensor(img, "x");
        using var y = new RandomZoom((-0.5, -0.5), interpolation: "bilinear").Call(x, training: true);
        // zoom 0.5: output pixel j samples 0.5 * (j + 0.5 - 2) + 1.5 → 0.75, 1.25, 1.75, 2.25 (rows likewise)
        float Expected(double r, double c) => (float)(10 * r + c);
        var coords = new[] { 0.75, 1.25, 1.75, 2.25 };
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++)
            Assert.Equal(Expected(coords[i], coords[j]), y[0, i, j, 0].item<float>(), 3);
    }

    [Fact]
    public void ContrastScalesAroundTheChannelMeanAndClips()
    {
        var img = new float[1, 1, 4, 1] { { { { 0 }, { 100 }, { 200 }, { 100 } } } };
        using var x = Deepen.Data.ArrayConverter.ToTensor(img, "x");
        for (int seed = 0; seed < 10; seed++)
        {
            var y = new RandomContrast(0.5, valueRange: (-1000, 1000), seed: seed).Call(x, training: true).data<float>().ToArray();
            double c = (y[2] - 100) / 100.0;                                     // mean 100: y = (x - 100) c + 100
            Assert.InRange(c, 0.5, 1.5);
            Assert.Equal(100 - 100 * c, y[0], 3);
            Assert.Equal(100f, y[1], 3);
            var clipped = new RandomContrast((0.0, 1.0), seed: seed).Call(x, training: true).data<float>().ToArray();
            Assert.Equal(0f, clipped[0]);                                        // c in [1, 2]: 100 - 100c <= 0, clipped to 0
            Assert.InRange(clipped[2], 200, 255);
        }
    }

    [Fact]
    public void SeededLayersRepeat()
    {
        using var x = Images();
        using var a = new RandomRotation(0.3, seed: 5).Call(x, training: true);
        using var b = new RandomRotation(0.3, seed: 5).Call(x, training: true);
        using var c = new RandomRotation(0.3, seed: 6).Call(x, training: true);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.NotEqual(a.data<float>().ToArray(), c.data<float>().ToArray());
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Contains("mode", Assert.Throws<ArgumentException>(() => new RandomFlip("diagonal")).Message);
        Assert.Contains("factor", Assert.Throws<ArgumentException>(() => new RandomRotation((0.5, 0.2))).Message);
        Assert.Contains("heightFactor", Assert.Throws<ArgumentException>(() => new RandomZoom(-1.0)).Message);
        Assert.Contains("interpolation", Assert.Throws<ArgumentException>(() => new RandomTranslation(0.1, 0.1, interpolation: "bicubic")).Message);
        Assert.Contains("fillMode", Assert.Throws<ArgumentException>(() => new RandomZoom(0.1, fillMode: "mirror")).Message);
        Assert.Contains("factor", Assert.Throws<ArgumentException>(() => new RandomContrast(1.5)).Message);
    }

    [Fact]
    public void LayersWorkInsideAModel()
    {
        Backend.SetRandomSeed(2);
        var model = new Sequential(
            new RandomFlip("horizontal", inputShape: (6, 6, 2)),
            new RandomRotation(0.1),
            new RandomZoom(0.1),
            new RandomTranslation(0.1, 0.1),
            new RandomContrast(0.1),
            new Flatten(),
            new Dense(1, activation: "sigmoid"));
        model.Compile(optimizer: "adam", loss: "binary_crossentropy");
        using var x = Images(8) / 144f;
        using var y = tensor(new float[] { 0, 1, 0, 1, 0, 1, 0, 1 });
        var history = model.Fit(x, y, epochs: 2, batchSize: 4, verbose: 0);
        Assert.True(double.IsFinite(history["loss"][^1]));
        using var p1 = model.Predict(x);
        using var p2 = model.Predict(x);
        Assert.Equal(p1.data<float>().ToArray(), p2.data<float>().ToArray());   // inference is deterministic
    }
}
