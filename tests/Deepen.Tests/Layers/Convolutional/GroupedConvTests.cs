using Deepen.Layers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Convolutional;

/// <summary>
/// keras/src/layers/convolutional/conv_test.py (test_conv2d_basic / test_conv1d_basic with groups, test_bad_init_args):
/// a grouped convolution equals separate convolutions of the channel groups, with Keras's (k…, in/groups, filters) kernel.
/// </summary>
public class GroupedConvTests
{
    [Fact]
    public void Conv2DGroupsAreIndependentConvolutions()
    {
        Backend.SetRandomSeed(12);
        var grouped = new Conv2D(6, 3, padding: "same", groups: 2);
        grouped.Build((5, 5, 4));
        Assert.Equal(new long[] { 3, 3, 2, 6 }, grouped.GetWeights()[0].shape);
        Assert.Equal(3 * 3 * 2 * 6 + 6, grouped.CountParams());
        using var x = randn(2, 5, 5, 4);
        using var y = grouped.Call(x);
        var kernel = grouped.GetWeights()[0];
        var bias = grouped.GetWeights()[1];
        for (int g = 0; g < 2; g++)
        {
            var single = new Conv2D(3, 3, padding: "same");
            single.Build((5, 5, 2));
            single.SetWeights([kernel.narrow(3, g * 3, 3).contiguous(), bias.narrow(0, g * 3, 3).contiguous()]);
            using var part = single.Call(x.narrow(3, g * 2, 2));
            TestData.AssertTensorsClose(part, y.narrow(3, g * 3, 3), 1e-5);
        }
    }

    [Fact] // groups = channels is a depthwise convolution: Conv2D(20, groups: 4) equals DepthwiseConv2D(depthMultiplier: 5)
    public void GroupsEqualToChannelsIsDepthwise()
    {
        Backend.SetRandomSeed(13);
        var depthwise = new DepthwiseConv2D(2, depthMultiplier: 5);
        depthwise.Build((5, 5, 4));
        var grouped = new Conv2D(20, 2, groups: 4);
        grouped.Build((5, 5, 4));
        var (kernel, bias) = (depthwise.GetWeights()[0], randn(20));
        depthwise.SetWeights([kernel, bias]);
        grouped.SetWeights([kernel.reshape(2, 2, 1, 20), bias]);         // Keras: (kh, kw, in, mult) → (kh, kw, in/groups, filters)
        using var x = randn(3, 5, 5, 4);
        TestData.AssertTensorsClose(depthwise.Call(x), grouped.Call(x), 1e-5);
    }

    [Fact]
    public void Conv1DGroupsAndErrors()
    {
        var conv = new Conv1D(4, 3, groups: 2);
        Assert.Equal(new Shape(3, 4), conv.Build((5, 6)));
        Assert.Equal(new long[] { 3, 3, 4 }, conv.GetWeights()[0].shape);
        Assert.Contains("The number of filters must be evenly divisible by the number of groups. Received: groups=2, filters=5",
            Assert.Throws<ArgumentException>(() => new Conv2D(5, 3, groups: 2)).Message);
        Assert.Contains("The number of input channels must be evenly divisible by the number of groups",
            Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, groups: 2).Build((5, 5, 3))).Message);
        Assert.Equal(2, ((Conv2D)LayerRegistry.Create("Conv2D", new Conv2D(4, 3, groups: 2).GetConfig())).Groups);
    }
}
