using System.Text.Json.Nodes;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Maps raw strings to token ids or bag-of-words vectors, as Keras's TextVectorization: standardize (lowercase,
/// strip ASCII punctuation), split (whitespace or characters), optional n-grams, then look each token up in a
/// vocabulary built by <see cref="Adapt"/> (or given). Output modes: "int" (ids, 0 = padding, 1 = "[UNK]"),
/// "multi_hot", "count" and "tf_idf" (vectors of the vocabulary's size, index 0 = "[UNK]").
/// <para>
/// Tensors cannot hold strings, so the strings are vectorized on the host: call the layer on strings
/// (<see cref="Call(IReadOnlyList{string})"/>), or put it first in a model and give the model strings
/// (<c>model.Fit(texts, labels)</c>, <c>model.Predict(texts)</c>, <c>model.Evaluate(texts, labels)</c>). Inside the
/// model the layer receives what it produced and passes it on unchanged. The vocabulary (and IDF weights) are part of
/// the layer's config, so a saved model takes raw strings again after loading.
/// </para>
/// </summary>
/// <example><code>
/// var vectorize = new TextVectorization(maxTokens: 20000, outputSequenceLength: 200);
/// vectorize.Adapt(trainTexts);
/// var model = new Sequential(vectorize, new Embedding(20000, 64, maskZero: true), new LSTM(32), new Dense(1, "sigmoid"));
/// model.Compile("adam", "binary_crossentropy", ["accuracy"]);
/// model.Fit(trainTexts, trainLabels, epochs: 3);
/// Tensor p = model.Predict(new[] { "Win a FREE prize now!!!" });
/// </code></example>
public sealed class TextVectorization : Layer, ITextInput
{
    /// <summary>The out-of-vocabulary token.</summary>
    public const string OovToken = "[UNK]";

    readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    List<string> _vocabulary = new();          // learned terms, without the special tokens
    double[]? _idf;                            // tf_idf: one weight per output index (special tokens included)

    /// <param name="maxTokens">Largest vocabulary, special tokens included (padding and "[UNK]" in "int" mode, "[UNK]" otherwise); null for no limit.</param>
    /// <param name="standardize">"lower_and_strip_punctuation" (default), "lower", "strip_punctuation" or null (none).</param>
    /// <param name="split">"whitespace" (default), "character" or null (the whole string is one token).</param>
    /// <param name="ngrams">Add n-grams of sizes 2..ngrams (joined by a space) to the tokens; null for tokens only.</param>
    /// <param name="outputMode">"int" (default), "multi_hot", "count" or "tf_idf".</param>
    /// <param name="outputSequenceLength">"int" mode: pad with 0 or truncate to this many ids. Needed to use the layer in a model.</param>
    /// <param name="vocabulary">A fixed vocabulary instead of <see cref="Adapt"/>: terms, optionally led by the special tokens.</param>
    /// <param name="idfWeights">"tf_idf" with a fixed vocabulary: one weight per term (or per index, special tokens included).</param>
    /// <param name="name">Layer name.</param>
    public TextVectorization(int? maxTokens = null, string? standardize = "lower_and_strip_punctuation",
        string? split = "whitespace", int? ngrams = null, string outputMode = "int", int? outputSequenceLength = null,
        IEnumerable<string>? vocabulary = null, double[]? idfWeights = null, string? name = null)
        : base(name, null)
    {
        OutputMode = Check.OneOf(outputMode, nameof(outputMode), "int", "multi_hot", "count", "tf_idf");
        Standardize = standardize is null ? null
            : Check.OneOf(standardize, nameof(standardize), "lower_and_strip_punctuation", "lower", "strip_punctuation");
        Split = split is null ? null : Check.OneOf(split, nameof(split), "whitespace", "character");
        if (maxTokens is int m && m < SpecialTokens + 1)
            throw Check.Invalid(nameof(maxTokens), m, $"null or an integer of at least {SpecialTokens + 1} (the special tokens take {SpecialTokens})");
        MaxTokens = maxTokens;
        if (ngrams is int n && n < 1) throw Check.Invalid(nameof(ngrams), n, "null or a positive integer");
        Ngrams = ngrams is 1 ? null : ngrams;
        if (outputSequenceLength is int len)
        {
            if (OutputMode != "int")
                throw Check.Invalid(nameof(outputSequenceLength), len, $"null: it applies to outputMode \"int\" only (outputMode is \"{OutputMode}\")");
            Check.Positive(len, nameof(outputSequenceLength));
            InputShape = new Shape(len);
        }
        OutputSequenceLength = outputSequenceLength;
        if (vocabulary is not null) SetVocabulary(vocabulary, idfWeights);
        else if (idfWeights is not null) throw Check.Invalid(nameof(idfWeights), "an array", "null unless a vocabulary is given");
    }

    /// <summary>The largest vocabulary, special tokens included (Keras's <c>max_tokens</c>), or null for no limit.</summary>
    public int? MaxTokens { get; }
    /// <summary><c>"lower_and_strip_punctuation"</c>, <c>"lower"</c>, <c>"strip_punctuation"</c>, or null for no standardization (Keras's <c>standardize</c>).</summary>
    public string? Standardize { get; }
    /// <summary><c>"whitespace"</c>, <c>"character"</c>, or null when the whole string is one token (Keras's <c>split</c>).</summary>
    public string? Split { get; }
    /// <summary>The largest n-gram size added to the tokens (2..Ngrams, joined by a space), or null for single tokens only (also when 1 was given).</summary>
    public int? Ngrams { get; }
    /// <summary><c>"int"</c>, <c>"multi_hot"</c>, <c>"count"</c> or <c>"tf_idf"</c> (Keras's <c>output_mode</c>, default <c>"int"</c>).</summary>
    public string OutputMode { get; }
    /// <summary>In "int" mode, the length every output is padded (with 0) or truncated to (Keras's <c>output_sequence_length</c>); null leaves lengths as they are.</summary>
    public int? OutputSequenceLength { get; }

    /// <summary>Whether a vocabulary has been adapted or set.</summary>
    public bool HasVocabulary => _vocabulary.Count > 0;

    int SpecialTokens => OutputMode == "int" ? 2 : 1;

    /// <summary>
    /// Builds the vocabulary from <paramref name="data"/> as Keras's <c>adapt</c>: tokens sorted by frequency (most
    /// frequent first), ties broken by the token in descending ordinal order (Keras's sort), cut to
    /// <see cref="MaxTokens"/>; in "tf_idf" mode also the IDF weights <c>log(1 + documents / (1 + documents with
    /// the token))</c>, "[UNK]" getting their mean. The same data always gives the same vocabulary.
    /// </summary>
    /// <param name="data">The training texts.</param>
    public void Adapt(IEnumerable<string> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var documentCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        long documents = 0;
        foreach (var text in data)
        {
            if (text is null) throw Check.Invalid(nameof(data), "a null string", "non-null strings");
            var tokens = Tokenize(text);
            foreach (var t in tokens) counts[t] = counts.GetValueOrDefault(t) + 1;
            if (OutputMode == "tf_idf")
                foreach (var t in tokens.Distinct(StringComparer.Ordinal)) documentCounts[t] = documentCounts.GetValueOrDefault(t) + 1;
            documents++;
        }
        counts.Remove("");
        counts.Remove(OovToken);
        IEnumerable<string> sorted = counts.OrderByDescending(kv => kv.Value).ThenByDescending(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key);
        if (MaxTokens is int max) sorted = sorted.Take(max - SpecialTokens);
        var terms = sorted.ToList();
        double[]? idf = null;
        if (OutputMode == "tf_idf")
        {
            var weights = terms.Select(t => Math.Log(1 + (double)documents / (1 + documentCounts[t]))).ToArray();
            idf = new[] { weights.Length == 0 ? 0 : weights.Average() }.Concat(weights).ToArray();
        }
        Assign(terms, idf);
    }

    /// <summary>
    /// Sets a fixed vocabulary, as Keras's <c>set_vocabulary</c>. The terms may start with the special tokens (as
    /// <see cref="GetVocabulary"/> returns them) or leave them out.
    /// </summary>
    public void SetVocabulary(IEnumerable<string> vocabulary, double[]? idfWeights = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var terms = vocabulary.ToList();
        bool withSpecials = OutputMode == "int" ? terms.Count >= 2 && terms[0] == "" && terms[1] == OovToken
                                                : terms.Count >= 1 && terms[0] == OovToken;
        if (withSpecials) terms = terms.Skip(SpecialTokens).ToList();
        var bad = terms.FirstOrDefault(t => t is null || t == "" || t == OovToken);
        if (terms.Any(t => t is null || t == "" || t == OovToken))
            throw Check.Invalid(nameof(vocabulary), bad, $"terms other than \"\" and \"{OovToken}\" after the special tokens");
        var repeated = terms.GroupBy(t => t, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw Check.Invalid(nameof(vocabulary), repeated.Key, "distinct terms; this one is repeated");
        if (MaxTokens is int max && terms.Count + SpecialTokens > max)
            throw Check.Invalid(nameof(vocabulary), $"{terms.Count + SpecialTokens} tokens", $"at most maxTokens={max} tokens, special tokens included");
        double[]? idf = null;
        if (OutputMode == "tf_idf")
        {
            if (idfWeights is null) throw Check.Invalid(nameof(idfWeights), null, "one weight per vocabulary term in outputMode \"tf_idf\"");
            if (idfWeights.Length == terms.Count)
                idf = new[] { terms.Count == 0 ? 0 : idfWeights.Average() }.Concat(idfWeights).ToArray();
            else if (idfWeights.Length == terms.Count + 1) idf = (double[])idfWeights.Clone();
            else throw Check.Invalid(nameof(idfWeights), $"{idfWeights.Length} weights", $"{terms.Count} (one per term) or {terms.Count + 1} (with \"[UNK]\")");
        }
        else if (idfWeights is not null)
            throw Check.Invalid(nameof(idfWeights), "an array", $"null: IDF weights apply to outputMode \"tf_idf\" only (outputMode is \"{OutputMode}\")");
        Assign(terms, idf);
    }

    void Assign(List<string> terms, double[]? idf)
    {
        if (OutputMode != "int" && Built && BuiltInputShape![0] != terms.Count + SpecialTokens)
            throw new InvalidOperationException(
                $"Layer \"{Name}\" is built for vectors of {BuiltInputShape[0]} entries; a vocabulary of {terms.Count + SpecialTokens} tokens would change its output shape. Adapt before building the model.");
        _vocabulary = terms;
        _idf = idf;
        _index.Clear();
        for (int i = 0; i < terms.Count; i++) _index[terms[i]] = i + SpecialTokens;
    }

    /// <summary>The vocabulary by index, special tokens included: "", "[UNK]", terms… in "int" mode; "[UNK]", terms… otherwise.</summary>
    public IReadOnlyList<string> GetVocabulary() =>
        (OutputMode == "int" ? new[] { "", OovToken } : new[] { OovToken }).Concat(_vocabulary).ToList();

    /// <summary>The number of indices, special tokens included (Keras's <c>vocabulary_size()</c>).</summary>
    public int VocabularySize() => _vocabulary.Count + SpecialTokens;

    /// <summary>The IDF weights per index ("tf_idf" mode), or null.</summary>
    public IReadOnlyList<double>? IdfWeights => _idf;

    /// <summary>The tokens of <paramref name="text"/> after standardizing, splitting and n-grams.</summary>
    public List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = TextStandardization.Split(TextStandardization.Standardize(text, Standardize), Split);
        return TextStandardization.Ngrams(tokens, Ngrams);
    }

    /// <summary>
    /// Vectorizes strings, as calling Keras's layer on them: "int" mode gives int64 ids [N, outputSequenceLength]
    /// (or padded to the longest text without one); the other modes give float32 [N, vocabulary size].
    /// </summary>
    /// <example><code>Tensor ids = vectorize.Call(new[] { "the cat sat", "a dog" });</code></example>
    public Tensor Call(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (!HasVocabulary)
            throw new InvalidOperationException($"Layer \"{Name}\" has no vocabulary yet: call Adapt(texts) or give a vocabulary first.");
        int n = texts.Count;
        if (OutputMode == "int")
        {
            var ids = new List<long[]>(n);
            for (int i = 0; i < n; i++)
            {
                var text = texts[i] ?? throw Check.Invalid(nameof(texts), $"null at index {i}", "non-null strings");
                ids.Add(Tokenize(text).Select(t => (long)Lookup(t)).ToArray());
            }
            int length = OutputSequenceLength ?? Math.Max(1, ids.Count == 0 ? 1 : ids.Max(a => a.Length));
            var flat = new long[(long)n * length];
            for (int i = 0; i < n; i++)
                Array.Copy(ids[i], 0, flat, (long)i * length, Math.Min(length, ids[i].Length));
            return tensor(flat, new long[] { n, length }, ScalarType.Int64);
        }
        int size = VocabularySize();
        var values = new float[(long)n * size];
        for (int i = 0; i < n; i++)
        {
            var text = texts[i] ?? throw Check.Invalid(nameof(texts), $"null at index {i}", "non-null strings");
            long row = (long)i * size;
            foreach (var t in Tokenize(text))
            {
                if (t.Length == 0) continue;
                int id = Lookup(t);
                values[row + id] = OutputMode == "multi_hot" ? 1 : values[row + id] + 1;
            }
            if (OutputMode == "tf_idf")
                for (int j = 0; j < size; j++) values[row + j] = (float)(values[row + j] * _idf![j]);
        }
        return tensor(values, new long[] { n, size }, ScalarType.Float32);
    }

    int Lookup(string token) => token.Length == 0 && OutputMode == "int" ? 0
        : _index.TryGetValue(token, out int id) ? id : (OutputMode == "int" ? 1 : 0);

    /// <summary>
    /// Inside a model the layer receives the batch it vectorized on the host (ids or vectors) and passes it on;
    /// give the model strings (<c>model.Predict(texts)</c>) or vectorize with <see cref="Call(IReadOnlyList{string})"/>.
    /// </summary>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (OutputMode == "int" && inputs.is_floating_point())
            throw new ArgumentException(
                $"Layer \"{Name}\" (TextVectorization) received a {inputs.dtype} tensor; inside a model it expects the int64 token ids it produced. Give the model strings (model.Predict(texts)) or vectorize them with layer.Call(texts).", nameof(inputs));
        return inputs.alias();
    }

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        if (inputShape.Rank != 1)
            throw new ArgumentException($"Layer \"{Name}\" (TextVectorization) takes vectorized text of shape (None, length) inside a model; received {inputShape.ToBatchString()}.", nameof(inputShape));
        if (OutputMode != "int" && HasVocabulary && inputShape[0] != VocabularySize())
            throw new ArgumentException($"Layer \"{Name}\" (TextVectorization) produces vectors of {VocabularySize()} entries; received {inputShape.ToBatchString()}.", nameof(inputShape));
        if (OutputSequenceLength is int len && inputShape[0] != len)
            throw new ArgumentException($"Layer \"{Name}\" (TextVectorization) produces {len} ids per text; received {inputShape.ToBatchString()}.", nameof(inputShape));
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override LayerConfig GetConfig()
    {
        var c = base.GetConfig().Set("max_tokens", MaxTokens).Set("standardize", Standardize).Set("split", Split)
            .Set("ngrams", Ngrams).Set("output_mode", OutputMode).Set("output_sequence_length", OutputSequenceLength)
            .Set("vocabulary", new JsonArray(_vocabulary.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()));
        if (_idf is not null && HasVocabulary) c.Set("idf_weights", _idf);
        return c;
    }

    internal static Layer FromConfig(LayerConfig c)
    {
        int? Int(string key) => c.Has(key) ? c.GetInt(key) : null;
        string? Str(string key, string? fallback) => c.Json.ContainsKey(key) ? c.GetStringOrNull(key) : fallback;
        var known = new HashSet<string> { "name", "trainable", "input_shape", "max_tokens", "standardize", "split", "ngrams",
            "output_mode", "output_sequence_length", "vocabulary", "idf_weights" };
        var unknown = c.Json.Select(kv => kv.Key).Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new FormatException($"TextVectorization has no argument {string.Join(", ", unknown.Select(k => $"`{k}`"))}. Expected some of: {string.Join(", ", known)}.");
        try
        {
            var vocabulary = c.Has("vocabulary") ? c.GetStrings("vocabulary") : null;
            return new TextVectorization(Int("max_tokens"), Str("standardize", "lower_and_strip_punctuation"), Str("split", "whitespace"),
                Int("ngrams"), c.GetStringOrNull("output_mode") ?? "int", Int("output_sequence_length"),
                vocabulary is { Length: > 0 } ? vocabulary : null, c.Has("idf_weights") ? c.GetDoubles("idf_weights") : null);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"TextVectorization: {e.Message}", e);
        }
    }
}
