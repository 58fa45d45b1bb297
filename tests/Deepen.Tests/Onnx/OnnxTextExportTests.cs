using System.Text.Json;
using Deepen.Cli;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using Google.Protobuf;
using static TorchSharp.torch;

namespace Deepen.Tests.Onnx;

/// <summary>
/// The sequence and text layers against ONNX Runtime: Deepen's Predict and ORT on the exported file, on random token
/// ids with trailing padding (as TextVectorization pads), at batch sizes 1, 3 and 8, within 1e-4.
/// </summary>
public class OnnxTextExportTests
{
    const int Vocabulary = 30, Steps = 7;

    /// <summary>
    /// Token ids [n, steps]: the first row unpadded, the second (from 3 rows) all padding (an empty text), the others a
    /// random number of real ids followed by zeros.
    /// </summary>
    internal static Tensor PaddedIds(long n, long steps, int vocabulary, long seed)
    {
        var random = new Random((int)seed);
        var ids = new long[n * steps];
        for (long i = 0; i < n; i++)
        {
            long length = i == 0 ? steps : i == 1 && n >= 3 ? 0 : random.Next(1, (int)steps + 1);
            for (long t = 0; t < length; t++) ids[i * steps + t] = random.Next(1, vocabulary);
        }
        return tensor(ids, new[] { n, steps });
    }

    /// <summary>Token ids [n, steps] with zeros anywhere: leading, inner and trailing padding, and (from 3 rows) an all-zero row.</summary>
    internal static Tensor ScatteredIds(long n, long steps, int vocabulary, long seed)
    {
        var random = new Random((int)seed + 1000);
        var ids = new long[n * steps];
        for (long i = 0; i < n; i++)
            for (long t = 0; t < steps; t++)
                ids[i * steps + t] = i == 1 && n >= 3 ? 0 : random.NextDouble() < 0.4 ? 0 : random.Next(1, vocabulary);
        return tensor(ids, new[] { n, steps });
    }

    static Layer[] Body(string kind) => kind switch
    {
        "lstm" => [new LSTM(5)],
        "lstm_sequences" => [new LSTM(5, returnSequences: true), new GlobalAveragePooling1D()],
        "lstm_return_state" => [new LSTM(5, returnState: true)],
        "gru_backwards" => [new GRU(4, goBackwards: true)],
        "gru_backwards_sequences" => [new GRU(4, goBackwards: true, returnSequences: true), new Flatten()],
        "gru_reset_before_sequences" => [new GRU(4, resetAfter: false, returnSequences: true), new Flatten()],
        "simple_rnn_sequences" => [new SimpleRNN(3, returnSequences: true), new SimpleRNN(3, goBackwards: true)],
        "bidirectional_concat" => [new Bidirectional(new LSTM(4))],
        "bidirectional_sum_sequences" => [new Bidirectional(new GRU(3, returnSequences: true), mergeMode: "sum"), new Flatten()],
        "bidirectional_mul_sequences" => [new Bidirectional(new SimpleRNN(3, returnSequences: true), mergeMode: "mul"), new GlobalAveragePooling1D()],
        "bidirectional_ave" => [new Bidirectional(new LSTM(3), mergeMode: "ave")],
        "time_distributed" => [new TimeDistributed(new Dense(5, activation: "relu")), new GlobalAveragePooling1D()],
        "attention" => [new MultiHeadAttention(2, 3), new GlobalAveragePooling1D()],
        "transformer" => [new TransformerEncoder(intermediateDim: 8, numHeads: 2), new GlobalAveragePooling1D()],
        "transformer_normalize_first" => [new TransformerEncoder(intermediateDim: 8, numHeads: 3, activation: "gelu", normalizeFirst: true), new GlobalMaxPooling1D()],
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [InlineData("lstm")]
    [InlineData("lstm_sequences")]
    [InlineData("lstm_return_state")]
    [InlineData("gru_backwards")]
    [InlineData("gru_backwards_sequences")]
    [InlineData("gru_reset_before_sequences")]
    [InlineData("simple_rnn_sequences")]
    [InlineData("bidirectional_concat")]
    [InlineData("bidirectional_sum_sequences")]
    [InlineData("bidirectional_mul_sequences")]
    [InlineData("bidirectional_ave")]
    [InlineData("time_distributed")]
    [InlineData("attention")]
    [InlineData("transformer")]
    [InlineData("transformer_normalize_first")]
    public void Sequence_layer_with_and_without_a_padding_mask_agrees_with_OnnxRuntime(string kind)
    {
        using var dir = new TempDir();
        foreach (bool masked in new[] { true, false })
        {
            Backend.SetRandomSeed(20);
            var layers = new List<Layer> { new Embedding(Vocabulary, 6, maskZero: masked, inputShape: Steps) };
            layers.AddRange(Body(kind));
            layers.Add(new Dense(2, activation: "softmax"));
            using var model = new Sequential(layers, name: $"{kind}_{(masked ? "masked" : "plain")}");
            model.Build(model.InputShape!);
            foreach (var w in model.Weights.Where(w => w.Name.EndsWith("bias"))) w.Assign(randn(w.Shape) * 0.3);
            OnnxTestSupport.AssertExportMatches(model, dir.Path, new[] { 1, 3, 8 }, s => PaddedIds(s[0], s[1], Vocabulary, s[0]).to_type(ScalarType.Float32));
            // Zeros anywhere (leading, inner): Deepen skips those steps too, and so does the export.
            if (masked) OnnxTestSupport.AssertExportMatches(model, dir.Path, new[] { 3, 8 }, s => ScatteredIds(s[0], s[1], Vocabulary, s[0]).to_type(ScalarType.Float32));
        }
    }

    [Fact]
    public void TokenAndPositionEmbedding_PositionEmbedding_UpSampling2D_and_GlobalMaxPooling2D_agree_with_OnnxRuntime()
    {
        Backend.SetRandomSeed(21);
        using var dir = new TempDir();
        using (var text = new Sequential(new Layer[]
        {
            new TokenAndPositionEmbedding(Vocabulary, 10, 4, maskZero: true, inputShape: Steps),
            new Dense(4),
            new PositionEmbedding(9),
            new GlobalAveragePooling1D(),
            new Dense(1, activation: "sigmoid"),
        }, name: "embeddings"))
        {
            text.Build(text.InputShape!);
            OnnxTestSupport.AssertExportMatches(text, dir.Path, new[] { 1, 3, 8 }, s => PaddedIds(s[0], s[1], Vocabulary, 7).to_type(ScalarType.Float32));
        }
        using var image = new Sequential(new Layer[]
        {
            new UpSampling2D((2, 3), inputShape: (3, 4, 2)),
            new Conv2D(3, (2, 2)),
            new UpSampling2D(interpolation: "bilinear"),
            new GlobalMaxPooling2D(),
        }, name: "upsampling");
        image.Build(image.InputShape!);
        OnnxTestSupport.AssertExportMatches(image, dir.Path, new[] { 1, 3, 8 });
    }

    static readonly string[] Texts =
    {
        "the cat sat on the mat", "a dog barked at the cat", "free money now", "win a free cruise today",
        "the meeting is on tuesday", "minutes of the meeting", "cheap pills free shipping", "lunch with the team",
        "the dog and the cat", "claim your prize now",
    };

    [Theory]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    [InlineData("text-bow")]
    public void Text_presets_as_the_CLI_builds_them_export_after_vectorization(string preset)
    {
        Backend.SetRandomSeed(22);
        using var dir = new TempDir();
        var vectorizer = TextModelPresets.Vectorizer(preset, maxTokens: 40, sequenceLength: 9);
        vectorizer.Adapt(Texts);
        using var model = TextModelPresets.Build(preset, vectorizer, classes: 3);
        string path = dir.File(preset + ".onnx");
        model.ExportOnnx(path);

        var proto = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var meta = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(vectorizer.GetVocabulary(), JsonSerializer.Deserialize<string[]>(meta["deepen.text.vocabulary"]));
        Assert.Equal(vectorizer.OutputMode, meta["deepen.text.output_mode"]);
        Assert.Equal("lower_and_strip_punctuation", meta["deepen.text.standardize"]);
        Assert.Equal(proto.Graph.Input[0].Name, meta["deepen.text.input"]);
        Assert.Equal(preset == "text-bow" ? 1 : 7, proto.Graph.Input[0].Type.TensorType.ElemType);   // float vectors / int64 ids

        foreach (int n in new[] { 1, 3, 8 })
        {
            var batch = Enumerable.Range(0, n).Select(i => Texts[(i * 3 + n) % Texts.Length] + (i % 2 == 0 ? " unknownword" : "")).ToArray();
            using var x = vectorizer.Call(batch);                 // ids with trailing padding, or TF-IDF vectors
            using var expected = model.Predict(batch);
            var ort = OnnxTestSupport.Run(path, new object[] { x });
            OnnxTestSupport.AssertClose(ort[0], expected, what: $"{preset} batch {n}");
        }
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    [InlineData(21)]
    public void A_functional_model_with_two_masked_text_inputs_and_cross_attention_agrees_with_OnnxRuntime(int opset)
    {
        Backend.SetRandomSeed(23);
        using var dir = new TempDir();
        var question = new Input(5, name: "question");
        var passage = new Input(Steps, name: "passage");
        var q = new Embedding(Vocabulary, 6, maskZero: true).Call(question);
        var p = new Bidirectional(new GRU(3, returnSequences: true)).Call(new Embedding(Vocabulary, 6, maskZero: true).Call(passage));
        var attended = new MultiHeadAttention(2, 4).Call(new[] { q, p });
        var pooled = new GlobalAveragePooling1D().Call(attended);
        var summary = new LSTM(4).Call(q);
        var y = new Dense(3, activation: "softmax").Call(new Concatenate().Call(pooled, summary));
        using var model = new Model([question, passage], [y], name: "reader");
        string path = dir.File("reader.onnx");
        model.ExportOnnx(path, opset);
        foreach (int n in new[] { 1, 3, 8 })
        {
            using var a = PaddedIds(n, 5, Vocabulary, n).to_type(ScalarType.Float32);
            using var b = PaddedIds(n, Steps, Vocabulary, n + 100).to_type(ScalarType.Float32);
            var expected = model.Predict([a, b]);
            var ort = OnnxTestSupport.RunFloat(path, a, b);
            OnnxTestSupport.AssertClose(ort[0], expected[0], what: $"opset {opset}, batch {n}");
        }
    }
}
