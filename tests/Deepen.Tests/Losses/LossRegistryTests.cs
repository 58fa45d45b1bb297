using Deepen.Losses;

namespace Deepen.Tests.Losses;

public class LossRegistryTests
{
    [Theory]
    [InlineData("binary_crossentropy", typeof(BinaryCrossentropy))]
    [InlineData("categorical_crossentropy", typeof(CategoricalCrossentropy))]
    [InlineData("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropy))]
    [InlineData(" Mean_Squared_Error ", typeof(MeanSquaredError))]
    public void NamesResolveToLosses(string name, Type type) => Assert.IsType(type, LossRegistry.Get(name));

    [Fact]
    public void UnknownNameIsRejectedWithTheValueAndTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => LossRegistry.Get("binary_cross_entropy"));
        Assert.Equal("loss", e.ParamName);
        Assert.Contains("Received: loss=\"binary_cross_entropy\"", e.Message);
        Assert.Contains("\"binary_crossentropy\"", e.Message);
    }
}
