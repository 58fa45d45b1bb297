using Deepen.Layers;
using Deepen.Models;
using Deepen.Saving;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Saving;

/// <summary>Sizes a model file supplies are checked before memory is taken (issue 16).</summary>
public class ModelFileLimitsTests : IDisposable
{
    readonly TempDir _dir = new();
    readonly string _good;

    public ModelFileLimitsTests()
    {
        Backend.SetRandomSeed(5);
        var model = new Sequential(new Dense(4, activation: "relu", inputShape: 3), new Dense(2, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(new float[4, 3], new[] { 0, 1, 0, 1 }, epochs: 1, verbose: 0);
        _good = _dir.File("good.deepen");
        model.Save(_good);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(new long[] { 2, 3 }, 6L)]
    [InlineData(new long[] { }, 1L)]
    [InlineData(new long[] { 4294967296, 4294967296 }, null)]       // 2^64 wraps to 0 unchecked
    [InlineData(new long[] { 3037000500, 3037000500 }, null)]       // just past long.MaxValue
    [InlineData(new long[] { 5, -1 }, null)]
    public void ElementCountIsOverflowSafe(long[] shape, long? expected) => Assert.Equal(expected, ModelFileLimits.ElementCount(shape));

    [Fact]
    public void EntriesClaimingMoreThanTheLimitAreRefusedFromTheDirectory()
    {
        string path = Bombs.ClaimingModel(_good, _dir.File("claims.deepen"), 1_610_612_736);
        var e = Assert.Throws<ModelFileException>(() => Model.Load(path));
        Assert.Contains("Nothing was inflated", e.Message);
        Assert.Contains("DEEPEN_MAX_MODEL_BYTES", e.Message);
    }

    [Fact]
    public void AnArchitectureNeedingMoreValuesThanTheWeightsFileHoldsIsRefusedBeforeAllocating()
    {
        string path = Bombs.WideDenseModel(_good, _dir.File("wide.deepen"), 1_000_000);
        var e = Assert.Throws<ModelFileException>(() => Model.Load(path));
        Assert.IsType<ParameterLimitException>(e.InnerException);
        Assert.Contains("model.safetensors holds 26 values", e.Message);      // (3×4 + 4) + (4×2 + 2)
    }

    [Fact]
    public void TheOptimizerStateIsLeftUnreadWhenNotWanted()
    {
        var entries = Bombs.Entries(_good);
        entries["optimizer.bin"] = new byte[64];                         // garbage, with a matching checksum
        string path = Bombs.WriteModel(_dir.File("bad-optimizer.deepen"), entries);
        Assert.Contains("optimizer", Assert.Throws<ModelFileException>(() => Model.Load(path)).Message);
        using var model = Model.Load(path, includeOptimizer: false);
        Assert.True(model.IsCompiled);
    }
}
