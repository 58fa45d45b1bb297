using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers;

/// <summary>Whole models made of the sequence layers: summary, JSON specs and save/load.</summary>
public class SequenceModelTests
{
    [Fact]
    public void SummaryListsSequenceLayersWithKerasParameterCounts()
    {
        Backend.SetRandomSeed(121);
        var model = new Sequential(new Embedding(100, 8, maskZero: true, inputShape: 10), new Bidirectional(new GRU(4, returnSequences: true)),
            new TransformerEncoder(16, 2), new GlobalAveragePooling1D(), new Dense(1, "sigmoid"));
        string summary = model.Summary(TextWriter.Null);
        Assert.Contains("bidirectional", summary);
        Assert.Contains("(None, 10, 8)", summary);
        Assert.Contains("transformer_encoder", summary);
        // Embedding 800; GRU(4) on 8 features ×2 directions: 2·3·(8·4 + 4·4 + 2·4) = 336; encoder on 8 features: 4·72 + 32 + 144 + 136 = 600; Dense 9.
        Assert.Equal(800 + 336 + 600 + 9, model.CountParams());
    }

    [Fact]
    public void HandWrittenSpecsNeedOnlyWhatDiffersFromKerasDefaults()
    {
        LayerConfig Spec(string json) => new((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(json)!);
        var bi = (Bidirectional)LayerRegistry.Create("Bidirectional", Spec("""{"layer": {"class_name": "LSTM", "config": {"units": 8, "return_sequences": true}}}"""));
        Assert.Equal(("concat", 8, true), (bi.MergeMode, bi.Forward.Units, bi.Forward.ReturnSequences));
        var e = (Embedding)LayerRegistry.Create("Embedding", Spec("""{"input_dim": 50, "output_dim": 4, "mask_zero": true, "input_length": 12}"""));
        Assert.Equal(new Shape(12), e.InputShape);
        var mha = (MultiHeadAttention)LayerRegistry.Create("MultiHeadAttention", Spec("""{"num_heads": 2, "key_dim": 8}"""));
        Assert.Null(mha.ValueDim);
        var td = (TimeDistributed)LayerRegistry.Create("TimeDistributed", Spec("""{"layer": {"class_name": "Dense", "config": {"units": 3}}}"""));
        Assert.Equal(3, ((Dense)td.Layer).Units);
        Assert.Contains("recurrent layer", Assert.Throws<FormatException>(() =>
            LayerRegistry.Create("Bidirectional", Spec("""{"layer": {"class_name": "Dense", "config": {"units": 3}}}"""))).Message);
        Assert.Contains("\"layer\"", Assert.Throws<FormatException>(() => LayerRegistry.Create("TimeDistributed", Spec("{}"))).Message);
        Assert.Contains("key_dim", Assert.Throws<FormatException>(() => LayerRegistry.Create("MultiHeadAttention", Spec("""{"num_heads": 2}"""))).Message);
    }

    [Fact]
    public void GruModelsSaveAndLoad()
    {
        Backend.SetRandomSeed(122);
        var model = new Sequential(new GRU(5, returnSequences: true, resetAfter: false, inputShape: (6, 3)), new GRU(4, goBackwards: true), new Dense(2));
        using var x = randn(3, 6, 3);
        var loaded = LayerRoundTrip.AssertSamePredictions(model, x);
        Assert.False(((GRU)loaded.Layers[0]).ResetAfter);
        Assert.True(((GRU)loaded.Layers[1]).ResetAfter);
    }
}
