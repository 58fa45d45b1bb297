using System.Globalization;
using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Models;

/// <summary>
/// Shape inference and Summary() parameter counts, checked against Keras's formulas computed here:
/// Dense in·out + out; Conv2D kh·kw·cin·f + f; BatchNormalization 4·C (2·C non-trainable);
/// "valid" output floor((in − k)/s) + 1; "same" output ceil(in/s).
/// </summary>
public class SummaryTests
{
    static long DenseParams(long inputs, long units) => inputs * units + units;
    static long ConvParams(long kh, long kw, long cin, long filters) => kh * kw * cin * filters + filters;
    static int Valid(int input, int kernel, int stride = 1) => (input - kernel) / stride + 1;
    static int Same(int input, int stride) => (int)Math.Ceiling(input / (double)stride);
    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static Sequential SeedCnn() => new(
        new Conv2D(32, (3, 3), activation: "relu", inputShape: (150, 150, 3)),
        new MaxPooling2D(2, 2),
        new Conv2D(64, (3, 3), activation: "relu"),
        new MaxPooling2D(2, 2),
        new Conv2D(128, (3, 3), activation: "relu"),
        new MaxPooling2D(2, 2),
        new Conv2D(128, (3, 3), activation: "relu"),
        new MaxPooling2D(2, 2),
        new Flatten(),
        new Dense(512, activation: "relu"),
        new Dense(1, activation: "sigmoid"));

    [Fact]
    public void SeedCnnShapesAndParameterCountsMatchKerasFormulas()
    {
        Backend.SetRandomSeed(1);
        var model = SeedCnn();

        // Shapes by formula: each 3×3 valid conv loses 2, each 2×2 pool halves (floor).
        int s1 = Valid(150, 3), p1 = s1 / 2, s2 = Valid(p1, 3), p2 = s2 / 2, s3 = Valid(p2, 3), p3 = s3 / 2, s4 = Valid(p3, 3), p4 = s4 / 2;
        var expectedShapes = new Shape[]
        {
            (s1, s1, 32), (p1, p1, 32), (s2, s2, 64), (p2, p2, 64), (s3, s3, 128), (p3, p3, 128), (s4, s4, 128), (p4, p4, 128),
            new Shape(p4 * p4 * 128), 512, 1,
        };
        Assert.Equal(new Shape(148, 148, 32), expectedShapes[0]);
        Assert.Equal(expectedShapes, model.Layers.Select(l => l.OutputShape!).ToArray());

        long[] expectedParams =
        {
            ConvParams(3, 3, 3, 32), 0, ConvParams(3, 3, 32, 64), 0, ConvParams(3, 3, 64, 128), 0, ConvParams(3, 3, 128, 128), 0, 0,
            DenseParams(p4 * p4 * 128, 512), DenseParams(512, 1),
        };
        Assert.Equal(expectedParams, model.Layers.Select(l => l.CountParams()).ToArray());
        long total = expectedParams.Sum();
        Assert.Equal(3_453_121, total);
        Assert.Equal(total, model.CountParams());

        string text = model.Summary(TextWriter.Null);
        Assert.Contains("conv2d (Conv2D)", text);
        Assert.Contains("conv2d_1 (Conv2D)", text);
        Assert.Contains("conv2d_3 (Conv2D)", text);
        Assert.Contains("max_pooling2d (MaxPooling2D)", text);
        Assert.Contains("max_pooling2d_3 (MaxPooling2D)", text);
        Assert.Contains("flatten (Flatten)", text);
        Assert.Contains("dense (Dense)", text);
        Assert.Contains("dense_1 (Dense)", text);
        Assert.Contains("(None, 148, 148, 32)", text);
        Assert.Contains("(None, 7, 7, 128)", text);
        Assert.Contains("(None, 6272)", text);
        Assert.Contains(N(DenseParams(6272, 512)), text); // 3,211,776
        Assert.Contains("Total params: 3,453,121", text);
        Assert.Contains("Trainable params: 3,453,121", text);
        Assert.Contains("Non-trainable params: 0", text);
    }

    [Fact]
    public void SummaryRowsPairEachLayerWithItsShapeAndCount()
    {
        Backend.SetRandomSeed(1);
        var model = SeedCnn();
        var lines = model.Summary(TextWriter.Null).Split('\n');
        foreach (var layer in model.Layers)
        {
            var row = Assert.Single(lines, l => l.Contains($" {layer.Name} ({layer.ClassName}) "));
            Assert.Contains(layer.OutputShape!.ToBatchString(), row);
            Assert.Matches(@"\s" + System.Text.RegularExpressions.Regex.Escape(N(layer.CountParams())) + @" │\s*$", row);
        }
    }

    [Fact]
    public void SummaryPrintsToTheGivenWriterAndReturnsTheSameText()
    {
        Backend.SetRandomSeed(1);
        var model = new Sequential(new Dense(3, inputShape: 4));
        var writer = new StringWriter();
        string text = model.Summary(writer);
        Assert.Equal(text, writer.ToString());
        Assert.StartsWith("Model: \"sequential\"", text);
        Assert.Contains($"Total params: {N(DenseParams(4, 3))}", text);
    }

    [Fact]
    public void MnistCnnShapesAndCounts()
    {
        Backend.SetRandomSeed(1);
        var model = new Sequential(
            new Conv2D(32, (3, 3), activation: "relu", inputShape: (28, 28, 1)),
            new MaxPooling2D((2, 2)),
            new Conv2D(64, (3, 3), activation: "relu"),
            new MaxPooling2D((2, 2)),
            new Flatten(),
            new Dropout(0.5),
            new Dense(10, activation: "softmax"));
        int a = Valid(28, 3), b = a / 2, c = Valid(b, 3), d = c / 2;
        Assert.Equal(new Shape[] { (a, a, 32), (b, b, 32), (c, c, 64), (d, d, 64), d * d * 64, d * d * 64, 10 },
            model.Layers.Select(l => l.OutputShape!).ToArray());
        long total = ConvParams(3, 3, 1, 32) + ConvParams(3, 3, 32, 64) + DenseParams(d * d * 64, 10);
        Assert.Equal(total, model.CountParams());

        string text = model.Summary(TextWriter.Null);
        Assert.Contains("(None, 26, 26, 32)", text);
        Assert.Contains("(None, 13, 13, 32)", text);
        Assert.Contains("(None, 1600)", text);
        Assert.Contains("dropout (Dropout)", text);
        Assert.Contains($"Total params: {N(total)}", text);
    }

    [Fact]
    public void SamePaddingWithStridesGivesCeilOfInputOverStride()
    {
        Backend.SetRandomSeed(1);
        var model = new Sequential(
            new Conv2D(8, 3, strides: 2, padding: "same", inputShape: (15, 15, 3)),
            new Conv2D(4, (3, 5), strides: (2, 3), padding: "same"),
            new MaxPooling2D(3, strides: 2, padding: "same"),
            new Conv2D(6, 2, strides: 2, padding: "valid", useBias: false));
        int r1 = Same(15, 2), r2 = Same(r1, 2), c2 = Same(r1, 3), r3 = Same(r2, 2), c3 = Same(c2, 2);
        var expected = new Shape[] { (r1, r1, 8), (r2, c2, 4), (r3, c3, 4), (Valid(r3, 2, 2), Valid(c3, 2, 2), 6) };
        Assert.Equal(new Shape(8, 8, 8), expected[0]);
        Assert.Equal(expected, model.Layers.Select(l => l.OutputShape!).ToArray());
        Assert.Equal(new long[] { ConvParams(3, 3, 3, 8), ConvParams(3, 5, 8, 4), 0, 2 * 2 * 4 * 6 },
            model.Layers.Select(l => l.CountParams()).ToArray());

        // The computed tensors have the inferred shapes.
        using var x = zeros(2, 15, 15, 3);
        using var y = model.Predict(x);
        Assert.Equal(expected[^1].WithBatch(2), y.shape);
    }

    [Fact]
    public void PoolingGlobalPoolingAndBatchNormalizationCounts()
    {
        Backend.SetRandomSeed(1);
        const int channels = 16;
        var model = new Sequential(
            new Conv2D(channels, 3, padding: "same", inputShape: (9, 9, 2)),
            new BatchNormalization(),
            new AveragePooling2D(2),
            new GlobalAveragePooling2D(),
            new Dense(5),
            new BatchNormalization());
        int pooled = Valid(9, 2, 2);
        Assert.Equal(new Shape[] { (9, 9, channels), (9, 9, channels), (pooled, pooled, channels), channels, 5, 5 },
            model.Layers.Select(l => l.OutputShape!).ToArray());
        long[] expected = { ConvParams(3, 3, 2, channels), 4 * channels, 0, 0, DenseParams(channels, 5), 4 * 5 };
        Assert.Equal(expected, model.Layers.Select(l => l.CountParams()).ToArray());
        long nonTrainable = 2 * channels + 2 * 5;
        Assert.Equal(expected.Sum() - nonTrainable, model.TrainableWeights.Sum(w => w.Count));

        string text = model.Summary(TextWriter.Null);
        Assert.Contains("batch_normalization (BatchNormalization)", text);
        Assert.Contains("batch_normalization_1 (BatchNormalization)", text);
        Assert.Contains("average_pooling2d (AveragePooling2D)", text);
        Assert.Contains("global_average_pooling2d (GlobalAveragePooling2D)", text);
        Assert.Contains($"(None, {pooled}, {pooled}, {channels})", text);
        Assert.Contains($"(None, {channels})", text);
        Assert.Contains($"Total params: {N(expected.Sum())}", text);
        Assert.Contains($"Trainable params: {N(expected.Sum() - nonTrainable)}", text);
        Assert.Contains($"Non-trainable params: {N(nonTrainable)}", text);
    }

    [Fact]
    public void ModelWithoutInputShapeBuildsOnFirstData()
    {
        Backend.SetRandomSeed(1);
        var model = new Sequential(new Dense(4, "relu"), new Dense(2));
        Assert.False(model.Built);
        Assert.Contains("0 (unbuilt)", model.Summary(TextWriter.Null));
        using var x = zeros(3, 7);
        using var y = model.Predict(x);
        Assert.True(model.Built);
        Assert.Equal(new Shape(7), model.InputShape);
        Assert.Equal(DenseParams(7, 4) + DenseParams(4, 2), model.CountParams());
    }

    [Fact]
    public void MemorySizeIsReportedInKerasUnits()
    {
        Assert.Equal("0.00 B", Model.MemorySize(0));
        Assert.Equal("12.00 B", Model.MemorySize(12));
        Assert.Equal("1.00 KB", Model.MemorySize(1024));
        Assert.Equal("13.17 MB", Model.MemorySize(3_453_121L * 4));
    }
}
