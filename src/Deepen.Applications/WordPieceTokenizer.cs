using System.Text.Json.Nodes;
using Deepen.Layers;
using Deepen.Utils;
using Microsoft.ML.Tokenizers;
using static TorchSharp.torch;

namespace Deepen.Applications;

/// <summary>
/// BERT's WordPiece tokenization as a model's first layer (Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>):
/// strings become token ids <c>[CLS] … [SEP]</c>, truncated and padded with 0 (<c>[PAD]</c>) to
/// <see cref="OutputSequenceLength"/>, as sentence-transformers tokenizes for MiniLM. A model that starts with it
/// takes strings in <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c>, as with <see cref="TextVectorization"/>.
/// On tensors (ids already made) it passes them through.
/// </summary>
/// <example><code>
/// var tokens = new WordPieceTokenizer(File.OpenRead("vocab.txt"), outputSequenceLength: 128);
/// Tensor ids = tokens.Call(new[] { "The quick brown fox." });          // [1, 128] int64
/// </code></example>
public sealed class WordPieceTokenizer : Layer, ITextInput
{
    readonly BertTokenizer _tokenizer;
    readonly string[] _vocabulary;

    /// <summary>Reads a WordPiece vocabulary (one token a line); lower-cases as uncased BERT models do.</summary>
    /// <param name="vocabulary">The vocabulary file's contents.</param>
    /// <param name="outputSequenceLength">Tokens per string, [CLS] and [SEP] included (longer strings are truncated).</param>
    /// <param name="name">The layer's name.</param>
    public WordPieceTokenizer(Stream vocabulary, int outputSequenceLength = 128, string? name = null)
        : this(ReadLines(vocabulary ?? throw new ArgumentNullException(nameof(vocabulary))), outputSequenceLength, name) { }

    /// <summary>Takes a WordPiece vocabulary as its tokens (the id of a token is its index).</summary>
    /// <param name="vocabulary">The tokens, [PAD] first.</param>
    /// <param name="outputSequenceLength">Tokens per string, [CLS] and [SEP] included (longer strings are truncated).</param>
    /// <param name="name">The layer's name.</param>
    public WordPieceTokenizer(IReadOnlyList<string> vocabulary, int outputSequenceLength = 128, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (outputSequenceLength < 2) throw Check.Invalid(nameof(outputSequenceLength), outputSequenceLength.ToString(), "an integer of at least 2 (room for [CLS] and [SEP])");
        if (vocabulary.Count == 0 || vocabulary.Any(t => string.IsNullOrEmpty(t) || t.Contains('\n')))
            throw Check.Invalid(nameof(vocabulary), $"{vocabulary.Count} tokens", "one non-empty token per id, without line breaks");
        _vocabulary = vocabulary.ToArray();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", _vocabulary) + "\n"));
        _tokenizer = BertTokenizer.Create(stream);
        OutputSequenceLength = outputSequenceLength;
    }

    static List<string> ReadLines(Stream stream)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    /// <summary>The vocabulary: the token of each id.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    /// <summary>Tokens per string.</summary>
    public int OutputSequenceLength { get; }

    /// <summary>The token ids of one string, [CLS] and [SEP] included, truncated to <see cref="OutputSequenceLength"/>.</summary>
    public IReadOnlyList<int> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _tokenizer.EncodeToIds(text).ToList();                     // [CLS] … [SEP]
        if (ids.Count > OutputSequenceLength)
        {
            int sep = ids[^1];
            ids = ids.Take(OutputSequenceLength - 1).Append(sep).ToList();    // keep [CLS] and the last [SEP], as sentence-transformers does
        }
        return ids;
    }

    /// <summary>Token ids [N, <see cref="OutputSequenceLength"/>] (int64), padded with 0.</summary>
    public Tensor Call(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var data = new long[texts.Count * OutputSequenceLength];
        for (int i = 0; i < texts.Count; i++)
        {
            var ids = Tokenize(texts[i] ?? throw new ArgumentException($"Invalid value received for argument `texts`. Expected strings. Received: null at index {i}.", nameof(texts)));
            for (int t = 0; t < ids.Count; t++) data[i * OutputSequenceLength + t] = ids[t];
        }
        return tensor(data, new long[] { texts.Count, OutputSequenceLength }).to(Backend.Device);
    }

    /// <summary>Token ids pass through.</summary>
    public override Tensor Call(Tensor inputs, bool training = false) => inputs.alias();

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <summary>The sequence length and the whole vocabulary, so that a saved model tokenizes without the weight packages.</summary>
    public override LayerConfig GetConfig() => base.GetConfig().Set("output_sequence_length", OutputSequenceLength)
        .Set("vocabulary", new JsonArray(_vocabulary.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()));

    internal static Layer FromConfig(LayerConfig c) => new WordPieceTokenizer(c.GetStrings("vocabulary"), c.GetInt("output_sequence_length"));
}
