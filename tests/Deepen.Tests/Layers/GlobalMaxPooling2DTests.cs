using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

public class GlobalMaxPooling2DTests
{
    [Fact] // keras/src/layers/pooling/global_max_pooling_test.py::test_global_max_pooling2d (np.max over axes (1, 2))
    public void TakesEachChannelsMaximumOverRowsAndColumns()
    {
        var gmp = new GlobalMaxPooling2D();
        Assert.Equal(new Shape(2), gmp.Build((2, 3, 2)));
        var x = new float[2 * 3 * 2];
        for (int i = 0; i < 6; i++) { x[2 * i] = i * (i % 2 == 0 ? 1 : -1); x[2 * i + 1] = -10 * i; }
        var y = TestData.Values(gmp.Call(tensor(x, new long[] { 1, 2, 3, 2 })));
        Assert.Equal(new[] { 4f, 0f }, y);
        Assert.Equal(new long[] { 3, 1, 1, 4 }, new GlobalMaxPooling2D(keepDims: true).Call(ones(3, 5, 5, 4)).shape);
    }

    [Fact]
    public void SavesAndLoads()
    {
        using var dir = new TempDir();
        var model = new Sequential(new Conv2D(2, 3, inputShape: (5, 5, 1)), new GlobalMaxPooling2D(), new Dense(1));
        model.Save(dir.File("m.deepen"), includeOptimizer: false);
        var again = Model.Load(dir.File("m.deepen"));
        Assert.IsType<GlobalMaxPooling2D>(again.Layers[1]);
    }
}
