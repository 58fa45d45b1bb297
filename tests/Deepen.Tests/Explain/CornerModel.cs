using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Training;
using static TorchSharp.torch;

namespace Deepen.Tests.Explain;

/// <summary>
/// Generated images whose class is decided by one known region: 16×16 RGB images of dark grey noise with a bright
/// 5×5 square in the class's corner and colour (0 top-left red, 1 top-right green, 2 bottom-left blue, 3 bottom-right
/// yellow), moved by up to 2 pixels. Pixel values are 0–1.
/// </summary>
internal static class CornerImages
{
    public const int Size = 16, Side = 5, Classes = 4;
    public static readonly string[] ClassNames = { "top_left", "top_right", "bottom_left", "bottom_right" };
    static readonly float[][] Colours = { new[] { 1f, 0.2f, 0.2f }, new[] { 0.2f, 1f, 0.2f }, new[] { 0.2f, 0.2f, 1f }, new[] { 1f, 1f, 0.2f } };

    /// <summary><paramref name="n"/> images (class i % 4), labels int64, and each image's square (left, top).</summary>
    public static (Tensor X, Tensor Y, (int Left, int Top)[] Squares) Make(int n, int seed, int size = Size)
    {
        var r = new Random(seed);
        var x = new float[n * size * size * 3];
        var y = new long[n];
        var squares = new (int, int)[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % Classes;
            var img = x.AsSpan(i * size * size * 3, size * size * 3);
            for (int p = 0; p < size * size; p++) img[3 * p] = img[3 * p + 1] = img[3 * p + 2] = (float)(0.3 * r.NextDouble());
            int jx = r.Next(0, 3), jy = r.Next(0, 3);
            int left = label is 0 or 2 ? jx : size - Side - jx, top = label is 0 or 1 ? jy : size - Side - jy;
            float bright = (float)(0.85 + 0.15 * r.NextDouble());
            for (int row = top; row < top + Side; row++)
                for (int col = left; col < left + Side; col++)
                    for (int c = 0; c < 3; c++) img[(row * size + col) * 3 + c] = Colours[label][c] * bright;
            y[i] = label;
            squares[i] = (left, top);
        }
        return (tensor(x, new long[] { n, size, size, 3 }), tensor(y), squares);
    }

    /// <summary>Whether (x, y) lies in the square at (left, top), enlarged by <paramref name="margin"/> pixels on each side.</summary>
    public static bool Inside((int X, int Y) p, (int Left, int Top) square, int margin = 1) =>
        p.X >= square.Left - margin && p.X < square.Left + Side + margin && p.Y >= square.Top - margin && p.Y < square.Top + Side + margin;
}

/// <summary>
/// A small CNN trained once (seeded, a few seconds) on <see cref="CornerImages"/> and shared by the explainer tests:
/// Conv2D 8 (same) → MaxPool → Conv2D 16 (same) → GlobalAveragePooling2D → Dense 4 softmax (Grad-CAM's
/// setting: the class is read from the last convolution's channels).
/// </summary>
public sealed class CornerModelFixture : IDisposable
{
    public CornerModelFixture()
    {
        Backend.SetRandomSeed(11);
        var (x, y, _) = CornerImages.Make(320, seed: 1);
        Model = new Sequential(
            new Conv2D(8, (3, 3), activation: "relu", padding: "same", inputShape: (CornerImages.Size, CornerImages.Size, 3)),
            new MaxPooling2D((2, 2)),
            new Conv2D(16, (3, 3), activation: "relu", padding: "same"),
            new GlobalAveragePooling2D(),
            new Dense(CornerImages.Classes, activation: "softmax"));
        Model.ClassNames = CornerImages.ClassNames;
        Model.Compile(new Adam(0.01), "sparse_categorical_crossentropy", ["accuracy"]);
        History = Model.Fit(x, y, epochs: 15, batchSize: 32, validationSplit: 0.2, verbose: 0);
        (TestX, TestY, TestSquares) = CornerImages.Make(40, seed: 2);
        x.Dispose();
        y.Dispose();
    }

    public Model Model { get; }
    public History History { get; }
    public Tensor TestX { get; }
    public Tensor TestY { get; }
    public (int Left, int Top)[] TestSquares { get; }

    public void Dispose()
    {
        Model.Dispose();
        TestX.Dispose();
        TestY.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CornerModelCollection : ICollectionFixture<CornerModelFixture>
{
    public const string Name = "corner CNN";
}
