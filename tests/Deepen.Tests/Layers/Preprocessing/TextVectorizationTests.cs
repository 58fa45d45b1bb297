using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Layers.Preprocessing;

public class TextVectorizationTests
{
    static long[] Ids(Tensor t) => t.data<long>().ToArray();
    static float[] Floats(Tensor t) => t.data<float>().ToArray();

    [Theory]
    [InlineData("lower_and_strip_punctuation", "hello world its 42")]
    [InlineData("lower", "hello, world! it's 42.")]
    [InlineData("strip_punctuation", "Hello World Its 42")]
    [InlineData(null, "Hello, World! It's 42.")]
    public void StandardizesAsKeras(string? standardize, string expected)
    {
        var v = new TextVectorization(standardize: standardize, split: null);
        Assert.Equal(new[] { expected }, v.Tokenize("Hello, World! It's 42."));
    }

    [Fact]
    public void StripsEveryAsciiPunctuationCharacterButNotOthers()
    {
        var v = new TextVectorization(split: null);
        Assert.Equal(new[] { "aé€" }, v.Tokenize("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~aÉ€"));
    }

    [Fact]
    public void SplitsOnWhitespaceRunsOrCharacters()
    {
        Assert.Equal(new[] { "the", "cat", "sat" }, new TextVectorization().Tokenize("  The\tcat \n\n sat "));
        Assert.Equal(new[] { "a", "b", " ", "a" }, new TextVectorization(split: "character").Tokenize("Ab a"));
        Assert.Equal(new[] { "a", "😀" }, new TextVectorization(split: "character", standardize: null).Tokenize("a😀"));
    }

    [Fact]
    public void NgramsAddEverySizeUpToNAfterTheTokens()
    {
        var v = new TextVectorization(ngrams: 3);
        Assert.Equal(new[] { "a", "b", "c", "d", "a b", "b c", "c d", "a b c", "b c d" }, v.Tokenize("a b c d"));
        Assert.Equal(new[] { "a" }, new TextVectorization(ngrams: 2).Tokenize("a"));
    }

    [Fact]
    public void AdaptSortsByFrequencyThenTokenDescendingAsKeras()
    {
        var v = new TextVectorization();
        v.Adapt(new[] { "b a c", "a b", "c a", "d" });
        // a ×3; b, c ×2 (ties: descending order as Keras's lexsort(...)[::-1]); d ×1
        Assert.Equal(new[] { "", "[UNK]", "a", "c", "b", "d" }, v.GetVocabulary());
        Assert.Equal(6, v.VocabularySize());

        var again = new TextVectorization();
        again.Adapt(new[] { "d", "c a", "a b", "b a c" });          // same data, another order
        Assert.Equal(v.GetVocabulary(), again.GetVocabulary());
    }

    [Fact]
    public void MaxTokensCountsTheSpecialTokens()
    {
        var v = new TextVectorization(maxTokens: 4);
        v.Adapt(new[] { "b a c", "a b", "c a", "d" });
        Assert.Equal(new[] { "", "[UNK]", "a", "c" }, v.GetVocabulary());
        var hot = new TextVectorization(maxTokens: 3, outputMode: "multi_hot");
        hot.Adapt(new[] { "b a c", "a b", "c a", "d" });
        Assert.Equal(new[] { "[UNK]", "a", "c" }, hot.GetVocabulary());
    }

    [Fact]
    public void IntModePadsAndTruncatesWithZerosAndMapsUnknownTokensToOne()
    {
        var v = new TextVectorization(outputSequenceLength: 4, vocabulary: new[] { "a", "c", "b" });
        using var ids = v.Call(new[] { "A b z", "a a a a c c" , "" });
        Assert.Equal(new long[] { 3, 4 }, ids.shape);
        Assert.Equal(ScalarType.Int64, ids.dtype);
        Assert.Equal(new long[] { 2, 4, 1, 0, 2, 2, 2, 2, 0, 0, 0, 0 }, Ids(ids));

        var ragged = new TextVectorization(vocabulary: new[] { "a", "c", "b" });
        using var padded = ragged.Call(new[] { "a", "b c a" });      // no length: pad to the longest text
        Assert.Equal(new long[] { 2, 0, 0, 4, 3, 2 }, Ids(padded));
    }

    [Fact]
    public void MultiHotAndCountCountTokensWithUnknownAtIndexZero()
    {
        var hot = new TextVectorization(outputMode: "multi_hot", vocabulary: new[] { "a", "c", "b" });
        using var h = hot.Call(new[] { "a a z", "b c" });
        Assert.Equal(new long[] { 2, 4 }, h.shape);
        Assert.Equal(new float[] { 1, 1, 0, 0, 0, 0, 1, 1 }, Floats(h));

        var count = new TextVectorization(outputMode: "count", vocabulary: new[] { "a", "c", "b" });
        using var c = count.Call(new[] { "a a z q", "b c b" });
        Assert.Equal(new float[] { 2, 2, 0, 0, 0, 0, 1, 2 }, Floats(c));
    }

    [Fact]
    public void TfIdfWeightsCountsByLogOnePlusDocumentsOverOnePlusDocumentFrequency()
    {
        var v = new TextVectorization(outputMode: "tf_idf");
        v.Adapt(new[] { "a b", "a", "c" });                     // 3 documents; df a=2, b=1, c=1
        Assert.Equal(new[] { "[UNK]", "a", "c", "b" }, v.GetVocabulary());
        double a = Math.Log(1 + 3.0 / 3), bc = Math.Log(1 + 3.0 / 2), unk = (a + 2 * bc) / 3;
        using var x = v.Call(new[] { "a a q", "b b c" });
        var got = Floats(x);
        double[] expected = { unk, 2 * a, 0, 0, 0, 0, bc, 2 * bc };
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i], 5);
    }

    [Fact]
    public void GivenVocabularyMayIncludeTheSpecialTokens()
    {
        var v = new TextVectorization(vocabulary: new[] { "", "[UNK]", "x", "y" });
        Assert.Equal(new[] { "", "[UNK]", "x", "y" }, v.GetVocabulary());
        Assert.Throws<ArgumentException>(() => new TextVectorization(vocabulary: new[] { "x", "x" }));
        Assert.Throws<ArgumentException>(() => new TextVectorization(vocabulary: new[] { "x", "[UNK]" }));
        Assert.Throws<ArgumentException>(() => new TextVectorization(maxTokens: 3, vocabulary: new[] { "x", "y" }));
    }

    [Fact]
    public void RejectsBadArgumentsNamingThem()
    {
        Assert.Contains("outputMode", Assert.Throws<ArgumentException>(() => new TextVectorization(outputMode: "one_hot")).Message);
        Assert.Contains("standardize", Assert.Throws<ArgumentException>(() => new TextVectorization(standardize: "upper")).Message);
        Assert.Contains("split", Assert.Throws<ArgumentException>(() => new TextVectorization(split: "comma")).Message);
        Assert.Contains("maxTokens", Assert.Throws<ArgumentException>(() => new TextVectorization(maxTokens: 2)).Message);
        Assert.Contains("ngrams", Assert.Throws<ArgumentException>(() => new TextVectorization(ngrams: 0)).Message);
        Assert.Contains("outputSequenceLength", Assert.Throws<ArgumentException>(() => new TextVectorization(outputMode: "count", outputSequenceLength: 5)).Message);
        Assert.Contains("idfWeights", Assert.Throws<ArgumentException>(() => new TextVectorization(outputMode: "tf_idf", vocabulary: new[] { "a" })).Message);
        Assert.Contains("Adapt", Assert.Throws<InvalidOperationException>(() => new TextVectorization().Call(new[] { "a" })).Message);
    }

    static Sequential BagOfWords(TextVectorization v)
    {
        Backend.SetRandomSeed(3);
        var model = new Sequential(v, new Dense(8, "relu"), new Dense(1, "sigmoid"));
        model.Compile(new Adam(learningRate: 0.02), "binary_crossentropy", ["accuracy"]);
        return model;
    }

    static (string[] Texts, float[] Labels) KeywordData(int n, int seed)
    {
        var rng = new Random(seed);
        string[] filler = { "meeting", "lunch", "report", "today", "team", "notes", "call", "plan" };
        string[] spam = { "free", "winner", "prize", "cash" };
        var texts = new string[n];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            var words = Enumerable.Range(0, 6).Select(_ => filler[rng.Next(filler.Length)]).ToList();
            labels[i] = i % 2;
            if (labels[i] == 1) words.Insert(rng.Next(words.Count), spam[rng.Next(spam.Length)]);
            texts[i] = string.Join(' ', words) + (rng.Next(2) == 0 ? "!" : ".");
        }
        return (texts, labels);
    }

    [Fact]
    public void AModelStartingWithItLearnsFromRawStrings()
    {
        var (texts, labels) = KeywordData(200, 1);
        var v = new TextVectorization(outputMode: "multi_hot");
        v.Adapt(texts);
        var model = BagOfWords(v);
        model.Fit(texts, labels, epochs: 20, batchSize: 32, verbose: 0);
        var (testTexts, testLabels) = KeywordData(100, 2);
        var scores = model.Evaluate(testTexts, testLabels, verbose: 0);
        Assert.True(scores["accuracy"] > 0.95, $"accuracy {scores["accuracy"]}");
    }

    [Fact]
    public void PredictOnStringsEqualsPredictOnTheVectorizedInputs()
    {
        var (texts, _) = KeywordData(20, 3);
        var v = new TextVectorization(outputMode: "count");
        v.Adapt(texts);
        var model = BagOfWords(v);
        using var fromStrings = model.Predict(texts);
        using var vectors = v.Call(texts);
        using var fromVectors = model.Predict(vectors);
        Assert.Equal(Floats(fromVectors), Floats(fromStrings), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void TokenIdsFeedAnEmbeddingAndLstmTheSameFromStringsOrIds()
    {
        var (texts, labels) = KeywordData(40, 5);
        var v = new TextVectorization(outputSequenceLength: 8);
        v.Adapt(texts);
        Backend.SetRandomSeed(6);
        var model = new Sequential(v, new Embedding(v.VocabularySize(), 8, maskZero: true), new LSTM(4), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        model.Fit(texts, labels, epochs: 1, verbose: 0);
        using var ids = v.Call(texts);
        using var fromIds = model.Predict(ids);
        using var fromStrings = model.Predict(texts);
        Assert.Equal(Floats(fromIds), Floats(fromStrings), (a, b) => Math.Abs(a - b) < 1e-6);
        using var dir = new TempDir();
        model.Save(dir.File("lstm.deepen"));
        using var again = Model.Load(dir.File("lstm.deepen")).Predict(texts);
        Assert.Equal(Floats(fromStrings), Floats(again), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void SummaryShowsTheLayerWithItsOutputShapeAndNoWeights()
    {
        var v = new TextVectorization(maxTokens: 50, outputSequenceLength: 12, vocabulary: new[] { "a", "b" });
        var model = new Sequential(v, new Embedding(50, 4), new Flatten(), new Dense(1, "sigmoid"));
        string text = model.Summary(TextWriter.Null);
        var line = text.Split('\n').Single(l => l.Contains("(TextVectorization)"));
        Assert.Contains("(None, 12)", line);
        Assert.EndsWith("0 │", line.TrimEnd());
        Assert.Contains($"Total params: {50 * 4 + 12 * 4 + 1}", text);
    }

    [Fact]
    public void SaveAndLoadKeepTheVocabularySoTheLoadedModelTakesStrings()
    {
        var (texts, labels) = KeywordData(60, 4);
        using var dir = new TempDir();
        foreach (var mode in new[] { "multi_hot", "tf_idf" })
        {
            var v = new TextVectorization(outputMode: mode, ngrams: 2, maxTokens: 40);
            v.Adapt(texts);
            var model = BagOfWords(v);
            model.Fit(texts, labels, epochs: 2, verbose: 0);
            string path = dir.File(mode + ".deepen");
            model.Save(path);
            var loaded = Model.Load(path);
            var lv = Assert.IsType<TextVectorization>(loaded.Layers[0]);
            Assert.Equal(v.GetVocabulary(), lv.GetVocabulary());
            Assert.Equal(2, lv.Ngrams);
            Assert.Equal(40, lv.MaxTokens);
            if (mode == "tf_idf") Assert.Equal(v.IdfWeights, lv.IdfWeights);
            using var p1 = model.Predict(texts);
            using var p2 = loaded.Predict(texts);
            Assert.Equal(Floats(p1), Floats(p2), (a, b) => Math.Abs(a - b) < 1e-6);
        }
    }

    [Fact]
    public void IntModeConfigRoundTripsWithItsInputShape()
    {
        var v = new TextVectorization(maxTokens: 100, outputSequenceLength: 7, standardize: "lower", split: "character");
        v.Adapt(new[] { "hello there" });
        var copy = (TextVectorization)LayerRegistry.Create("TextVectorization", v.GetConfig());
        Assert.Equal(v.GetVocabulary(), copy.GetVocabulary());
        Assert.Equal(new Shape(7), copy.InputShape);
        Assert.Equal("lower", copy.Standardize);
        Assert.Equal("character", copy.Split);
        var bad = v.GetConfig().Set("output_mode", "bogus");
        Assert.Throws<FormatException>(() => LayerRegistry.Create("TextVectorization", bad));
    }

    [Fact]
    public void StringsNeedATextVectorizationFirstAndAFixedLength()
    {
        var plain = new Sequential(new Dense(1, "sigmoid", inputShape: 3));
        plain.Compile("adam", "binary_crossentropy");
        Assert.Contains("TextVectorization", Assert.Throws<InvalidOperationException>(() => plain.Predict(new[] { "a" })).Message);

        var v = new TextVectorization(vocabulary: new[] { "a" });
        var ragged = new Sequential(v, new Dense(1, "sigmoid"));
        Assert.Contains("outputSequenceLength", Assert.Throws<InvalidOperationException>(() => ragged.Predict(new[] { "a" })).Message);

        var fixedLength = new Sequential(new TextVectorization(outputSequenceLength: 3, vocabulary: new[] { "a" }), new Dense(1));
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => fixedLength.Predict(zeros(2, 3))).Message);
    }

    [Fact]
    public void AdaptingAgainCannotChangeTheShapeOfABuiltModel()
    {
        var v = new TextVectorization(outputMode: "multi_hot");
        v.Adapt(new[] { "a b c" });
        var model = new Sequential(v, new Dense(1));
        model.Build(v.VocabularySize());
        Assert.Throws<InvalidOperationException>(() => v.Adapt(new[] { "a b c d e" }));
        v.Adapt(new[] { "x y z" });                            // same size: allowed
        Assert.Equal(new[] { "[UNK]", "z", "y", "x" }, v.GetVocabulary());
    }
}
