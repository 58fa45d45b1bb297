using System.Text.Json.Nodes;
using Deepen.Layers;

namespace Deepen.Tests.Layers;

/// <summary>Layer configs bind to constructor parameters by snake_case name, with Keras defaults for missing keys.</summary>
public class ConfigBinderTests
{
    static Layer Create(string cls, string json) => LayerRegistry.Create(cls, new LayerConfig(JsonNode.Parse(json)!.AsObject()));

    [Fact]
    public void MissingKeysTakeTheConstructorDefaults()
    {
        var conv = Assert.IsType<Conv2D>(Create("Conv2D", """{"filters": 16, "kernel_size": 3}"""));
        Assert.Equal(16, conv.Filters);
        Assert.Equal(new Size2(3, 3), conv.KernelSize);
        Assert.Equal(new Size2(1, 1), conv.Strides);
        Assert.Equal("valid", conv.Padding);
        Assert.Equal("linear", conv.Activation);
        Assert.True(conv.UseBias);

        var dense = Assert.IsType<Dense>(Create("Dense", """{"units": 4, "activation": "relu", "name": "head"}"""));
        Assert.Equal(4, dense.Units);
        Assert.Equal("relu", dense.Activation);
        Assert.Equal("head", dense.Name);
        Assert.Equal("glorot_uniform", dense.KernelInitializer);
    }

    [Fact]
    public void SizesAcceptAnIntegerOrAPair()
    {
        var pool = Assert.IsType<MaxPooling2D>(Create("MaxPooling2D", """{"pool_size": [3, 2], "strides": 1}"""));
        Assert.Equal(new Size2(3, 2), pool.PoolSize);
        Assert.Equal(new Size2(1, 1), pool.Strides);
    }

    [Fact]
    public void SavedConfigRoundTripsThroughTheBinder()
    {
        var original = new Conv2D(8, (5, 3), strides: 2, padding: "same", activation: "gelu", useBias: false, dilationRate: 1);
        var rebuilt = Assert.IsType<Conv2D>(LayerRegistry.Create("Conv2D", original.GetConfig()));
        Assert.Equal(original.GetConfig().Json.ToJsonString(), rebuilt.GetConfig().Json.ToJsonString());
    }

    [Fact]
    public void UnknownArgumentIsNamedWithTheAcceptedOnes()
    {
        var e = Assert.Throws<FormatException>(() => Create("Dense", """{"units": 4, "unitz": 5}"""));
        Assert.Contains("`unitz`", e.Message);
        Assert.Contains("units", e.Message);
    }

    [Fact]
    public void MissingRequiredArgumentIsNamed()
    {
        var e = Assert.Throws<FormatException>(() => Create("Dense", """{"activation": "relu"}"""));
        Assert.Contains("`units`", e.Message);
    }

    [Fact]
    public void WrongTypeNamesTheArgumentAndTheValue()
    {
        var e = Assert.Throws<FormatException>(() => Create("Dense", """{"units": "ten"}"""));
        Assert.Contains("`units`", e.Message);
        Assert.Contains("\"ten\"", e.Message);
        Assert.Contains("an integer", e.Message);
    }

    [Fact]
    public void InvalidValueFromTheConstructorSurfacesItsMessage()
    {
        var e = Assert.Throws<FormatException>(() => Create("Dropout", """{"rate": 1.5}"""));
        Assert.Contains("rate", e.Message);
        Assert.Contains("1.5", e.Message);
    }
}
