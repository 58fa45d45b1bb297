using Deepen.Applications;
using Deepen.Layers;

namespace Deepen.Tests.Applications;

/// <summary>The WordPiece layer's config holds its whole vocabulary, so a saved model tokenizes without the weight package.</summary>
public class WordPieceTokenizerTests
{
    static readonly string[] Vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "free", "money", "see", "you", "at", "lunch", "##s", "!"];

    [Fact]
    public void Config_round_trip_through_the_registry_gives_the_same_ids()
    {
        Deepen.Applications.Applications.RegisterLayers();
        var tokenizer = new WordPieceTokenizer(Vocabulary, outputSequenceLength: 8, name: "wordpiece");
        var config = tokenizer.GetConfig();
        Assert.Equal(Vocabulary, config.GetStrings("vocabulary"));
        var rebuilt = Assert.IsType<WordPieceTokenizer>(LayerRegistry.Create(nameof(WordPieceTokenizer), new LayerConfig(config.Json.DeepClone().AsObject())));
        Assert.Equal("wordpiece", rebuilt.Name);
        Assert.Equal(8, rebuilt.OutputSequenceLength);

        // [CLS]=2 free=5 money=6 ##s=11 !=12 [SEP]=3, then padding; an unknown word is [UNK]=1 (lower-cased first).
        Assert.Equal(new[] { 2, 5, 6, 11, 12, 3 }, rebuilt.Tokenize("Free moneys!"));
        Assert.Equal(tokenizer.Tokenize("see you at lunch, zebra"), rebuilt.Tokenize("see you at lunch, zebra"));
        using var ids = rebuilt.Call(new[] { "free money" });
        Assert.Equal(new long[] { 2, 5, 6, 3, 0, 0, 0, 0 }, ids.data<long>().ToArray());
    }

    [Fact]
    public void A_vocabulary_with_an_empty_token_is_refused_with_the_argument_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new WordPieceTokenizer(new[] { "[PAD]", "" }));
        Assert.Contains("`vocabulary`", e.Message);
    }
}
