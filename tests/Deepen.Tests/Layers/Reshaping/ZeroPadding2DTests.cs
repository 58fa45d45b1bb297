using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Reshaping;

/// <summary>Ports keras/src/layers/reshaping/zero_padding2d_test.py (padding values, shapes, config).</summary>
public class ZeroPadding2DTests
{
    [Fact]
    public void Pads_each_side_with_zeros_and_keeps_the_input_in_the_middle()
    {
        var layer = new ZeroPadding2D((3, 2), (1, 4));
        using var x = rand(2, 5, 6, 3) + 1;
        using var y = layer.Call(x);
        Assert.Equal(new long[] { 2, 10, 11, 3 }, y.shape);
        Assert.Equal(new Shape(10, 11, 3), layer.ComputeOutputShape(new Shape(5, 6, 3)));
        using var inner = y[TensorIndex.Colon, TensorIndex.Slice(3, 8), TensorIndex.Slice(1, 7)];
        Assert.True(inner.allclose(x, 0, 0));
        // Everything else is zero (sums in float64: float32 sums of the same values in another order can differ at 1e-3).
        Assert.Equal(y.abs().to_type(ScalarType.Float64).sum().item<double>(), x.abs().to_type(ScalarType.Float64).sum().item<double>(), 9);
    }

    [Fact]
    public void Int_and_symmetric_forms_match_Keras()
    {
        var one = new ZeroPadding2D();
        Assert.Equal((1, 1, 1, 1), (one.Top, one.Bottom, one.Left, one.Right));
        var sym = new ZeroPadding2D((2, 3));
        Assert.Equal((2, 2, 3, 3), (sym.Top, sym.Bottom, sym.Left, sym.Right));
        Assert.Throws<ArgumentException>(() => new ZeroPadding2D((-1, 0), (0, 0)));
    }

    [Fact]
    public void Saves_Keras_config_and_loads()
    {
        using var dir = new TempDir();
        using var model = new Sequential(new ZeroPadding2D((1, 2), (0, 3), inputShape: (4, 4, 1)), new Flatten(), new Dense(2));
        model.Build(model.InputShape!);
        var config = model.Layers[0].GetConfig().Json["padding"]!.ToJsonString();
        Assert.Equal("[[1,2],[0,3]]", config);
        model.Save(dir.File("m.deepen"));
        using var loaded = Model.Load(dir.File("m.deepen"));
        var z = Assert.IsType<ZeroPadding2D>(loaded.Layers[0]);
        Assert.Equal((1, 2, 0, 3), (z.Top, z.Bottom, z.Left, z.Right));
        var fromInt = (ZeroPadding2D)LayerRegistry.Create("ZeroPadding2D", new LayerConfig(new System.Text.Json.Nodes.JsonObject { ["padding"] = 2 }));
        Assert.Equal((2, 2, 2, 2), (fromInt.Top, fromInt.Bottom, fromInt.Left, fromInt.Right));
    }
}
