using Deepen.Explain;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using static TorchSharp.torch;

namespace Deepen.Tests.Explain;

/// <summary>Explanations of a functional (graph) model: the inner layer's activation is taken from the graph.</summary>
public class FunctionalExplainTests
{
    [Fact]
    public void GradCamOnAFunctionalModelWithABranchFindsTheSquare()
    {
        Backend.SetRandomSeed(12);
        var (x, y, _) = CornerImages.Make(320, seed: 1);
        var input = new Input((CornerImages.Size, CornerImages.Size, 3));
        var h = new Conv2D(8, (3, 3), activation: "relu", padding: "same").Call(input);
        h = new MaxPooling2D((2, 2)).Call(h);
        var a = new Conv2D(16, (3, 3), activation: "relu", padding: "same", name: "branch_a").Call(h);
        var b = new Conv2D(16, (1, 1), activation: "relu", name: "branch_b").Call(h);
        var merged = new Add(name: "merged").Call(a, b);
        var pooled = new GlobalAveragePooling2D().Call(merged);
        var output = new Dense(CornerImages.Classes, activation: "softmax").Call(pooled);
        var model = new Model(input, output);
        model.Compile(new Adam(0.01), "sparse_categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 15, batchSize: 32, verbose: 0);

        var (testX, testY, squares) = CornerImages.Make(16, seed: 2);
        var explainer = Explainer.Create("gradcam", model, new ExplainOptions { Layer = "merged", FaithfulnessSteps = 0 });
        int inside = 0;
        for (int i = 0; i < 16; i++)
        {
            using var image = testX[i];
            using var e = explainer.Explain(image, targetClass: (int)testY[i].item<long>());
            Assert.Equal(new long[] { CornerImages.Size, CornerImages.Size }, e.Heatmap.shape);
            Assert.True(e.Heatmap.isfinite().all().item<bool>());
            if (CornerImages.Inside(e.Peak, squares[i])) inside++;
        }
        Assert.True(inside >= 12, $"the peak lay in the square for {inside} of 16 images");
    }
}
