using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Multi-head attention (Vaswani et al., 2017), as Keras's MultiHeadAttention: the query, key and value are projected
/// to <c>numHeads</c> heads of <c>keyDim</c> (<c>valueDim</c> for values), each head computes
/// <c>softmax(q·kᵀ / sqrt(keyDim))·v</c>, and the heads are concatenated and projected to <c>outputShape</c> (by
/// default the query's last dimension). Inputs are [batch, steps, features]; the output is [batch, query steps, output].
/// <para>Masks follow Keras: <c>attentionMask</c> [batch, T, S] (true = may attend), the query's and value's Keras masks
/// ([batch, T] and [batch, S]) and the causal mask are combined with AND; a masked key gets weight 0, and a query
/// that may attend to nothing gets all-zero weights. As a single-input layer (e.g. in a Sequential model) it does
/// self-attention and respects the incoming padding mask, which it passes on.</para>
/// <para>Weights (torch layout, [out, in]): <c>query_kernel</c> [heads × keyDim, query features], <c>key_kernel</c>,
/// <c>value_kernel</c> [heads × valueDim, value features], <c>output_kernel</c> [output, heads × valueDim], and the
/// matching <c>*_bias</c> with <c>useBias</c>.</para>
/// </summary>
/// <example><code>
/// var mha = new MultiHeadAttention(numHeads: 2, keyDim: 16);
/// Tensor y = mha.Call(query, value);                          // cross-attention, [batch, T, query features]
/// var (output, scores) = mha.CallWithScores(x, x, useCausalMask: true);   // scores: [batch, heads, T, T]
/// </code></example>
public sealed class MultiHeadAttention : Layer
{
    Weight? _queryKernel, _queryBias, _keyKernel, _keyBias, _valueKernel, _valueBias, _outputKernel, _outputBias;
    int? _valueFeatures, _keyFeatures;

    /// <param name="numHeads">Number of attention heads.</param>
    /// <param name="keyDim">Size of each head for query and key.</param>
    /// <param name="valueDim">Size of each head for value; defaults to <paramref name="keyDim"/>.</param>
    /// <param name="dropout">Dropout rate on the attention weights during training.</param>
    /// <param name="useBias">Whether the projections have biases.</param>
    /// <param name="outputShape">Size of the output's last dimension; defaults to the query's.</param>
    /// <param name="kernelInitializer">Initializer of the kernels.</param>
    /// <param name="biasInitializer">Initializer of the biases.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(steps, features), for the first layer of a model.</param>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0, bool useBias = true,
        int? outputShape = null, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        string? name = null, Shape? inputShape = null) : base(name, inputShape)
    {
        NumHeads = Check.Positive(numHeads, nameof(numHeads));
        KeyDim = Check.Positive(keyDim, nameof(keyDim));
        ValueDim = valueDim is int v ? Check.Positive(v, nameof(valueDim)) : null;
        Dropout = Check.Fraction(dropout, nameof(dropout));
        UseBias = useBias;
        OutputSize = outputShape is int o ? Check.Positive(o, nameof(outputShape)) : null;
        KernelInitializer = Initializers.Resolve(kernelInitializer, nameof(kernelInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
    }

    /// <summary>The number of attention heads (Keras's <c>num_heads</c>).</summary>
    public int NumHeads { get; }
    /// <summary>The size of each head for query and key (Keras's <c>key_dim</c>); scores are scaled by <c>1 / sqrt(KeyDim)</c>.</summary>
    public int KeyDim { get; }
    /// <summary>The value head size given, or null (then <see cref="KeyDim"/>).</summary>
    public int? ValueDim { get; }
    /// <summary>The dropout rate on the attention weights during training (Keras's <c>dropout</c>, default 0).</summary>
    public double Dropout { get; }
    /// <summary>Whether the query, key, value and output projections have biases (Keras's <c>use_bias</c>, default true).</summary>
    public bool UseBias { get; }
    /// <summary>The output size given (Keras's <c>output_shape</c>), or null for the query's features.</summary>
    public int? OutputSize { get; }
    /// <summary>The initializer name of the projection kernels (Keras's <c>kernel_initializer</c>, default <c>"glorot_uniform"</c>).</summary>
    public string KernelInitializer { get; }
    /// <summary>The initializer name of the projection biases (Keras's <c>bias_initializer</c>, default <c>"zeros"</c>).</summary>
    public string BiasInitializer { get; }

    int HeadValueDim => ValueDim ?? KeyDim;

    /// <inheritdoc/>
    public override bool SupportsMasking => true;
    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;

    /// <summary>Builds for a query, value and key of different feature sizes (cross-attention).</summary>
    /// <param name="queryShape">(T, query features).</param>
    /// <param name="valueShape">(S, value features).</param>
    /// <param name="keyShape">(S, key features); defaults to <paramref name="valueShape"/>.</param>
    public void Build(Shape queryShape, Shape valueShape, Shape? keyShape = null)
    {
        ArgumentNullException.ThrowIfNull(valueShape);
        if (valueShape.Rank != 2 || keyShape is { Rank: not 2 })
            throw new ArgumentException($"Layer \"{Name}\" expects value and key of shape (steps, features); received value {valueShape.ToBatchString()}, key {keyShape?.ToBatchString() ?? "null"}.");
        _valueFeatures = valueShape[-1];
        _keyFeatures = (keyShape ?? valueShape)[-1];
        Build(queryShape);
    }

    /// <inheritdoc/>
    protected override void OnBuild(Shape queryShape)
    {
        int q = queryShape[-1], v = _valueFeatures ?? q, k = _keyFeatures ?? v;
        int hk = NumHeads * KeyDim, hv = NumHeads * HeadValueDim, output = OutputSize ?? q;
        // Fans as Keras computes them for its EinsumDense kernels (in, heads, dim) and (heads, dim, out).
        _queryKernel = AddWeight("query_kernel", new long[] { hk, q }, KernelInitializer, (long)q * NumHeads, (long)q * KeyDim);
        _keyKernel = AddWeight("key_kernel", new long[] { hk, k }, KernelInitializer, (long)k * NumHeads, (long)k * KeyDim);
        _valueKernel = AddWeight("value_kernel", new long[] { hv, v }, KernelInitializer, (long)v * NumHeads, (long)v * HeadValueDim);
        _outputKernel = AddWeight("output_kernel", new long[] { output, hv }, KernelInitializer, hv, (long)NumHeads * output);
        _queryKernel.Layout = _keyKernel.Layout = _valueKernel.Layout = KerasWeightLayout.HeadsIn(NumHeads);
        _outputKernel.Layout = KerasWeightLayout.HeadsOut(NumHeads);
        if (UseBias)
        {
            _queryBias = AddWeight("query_bias", new long[] { hk }, BiasInitializer, q, hk);
            _keyBias = AddWeight("key_bias", new long[] { hk }, BiasInitializer, k, hk);
            _valueBias = AddWeight("value_bias", new long[] { hv }, BiasInitializer, v, hv);
            _outputBias = AddWeight("output_bias", new long[] { output }, BiasInitializer, hv, output);
            _queryBias.Layout = _keyBias.Layout = _valueBias.Layout = KerasWeightLayout.HeadsBias(NumHeads);
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(inputShape[0], OutputSize ?? inputShape[-1]);

    /// <summary>Self-attention over <paramref name="inputs"/> without a mask.</summary>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        var (output, scores) = Attend(inputs, inputs, inputs, null, null, null, false, training);
        scores.Dispose();
        return output;
    }

    /// <summary>Self-attention over <paramref name="inputs"/>; padded steps (mask false) are neither attended to nor attend.</summary>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training)
    {
        var (output, scores) = Attend(inputs, inputs, inputs, mask, mask, null, false, training);
        scores.Dispose();
        return output;
    }

    /// <summary>
    /// In a functional model the layer takes [query], [query, value] or [query, value, key], as Keras's
    /// <c>mha(query, value)</c>: <c>new MultiHeadAttention(4, 16).Call(query, value)</c>.
    /// </summary>
    public override bool TakesMultipleInputs => true;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count is < 1 or > 3)
            throw new ArgumentException($"Layer \"{Name}\" takes [query], [query, value] or [query, value, key]; received {inputShapes.Count} inputs.");
        string[] names = { "query", "value", "key" };
        for (int i = 0; i < inputShapes.Count; i++)
            if (inputShapes[i].Rank != 2)
                throw new ArgumentException($"Layer \"{Name}\" expects its {names[i]} of shape (steps, features); received {inputShapes[i].ToBatchString()}.");
        if (inputShapes.Count == 3 && inputShapes[1][0] != inputShapes[2][0])
            throw new ArgumentException($"Layer \"{Name}\": value and key must have the same number of steps; received value {inputShapes[1].ToBatchString()}, key {inputShapes[2].ToBatchString()}.");
        return ComputeOutputShape(inputShapes[0]);
    }

    /// <inheritdoc/>
    protected override void OnBuild(IReadOnlyList<Shape> inputShapes)
    {
        var value = inputShapes.Count > 1 ? inputShapes[1] : inputShapes[0];
        _valueFeatures = value[-1];
        _keyFeatures = (inputShapes.Count > 2 ? inputShapes[2] : value)[-1];
        OnBuild(inputShapes[0]);
    }

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false) =>
        Call(inputs, new Tensor?[inputs.Count], training);

    /// <summary>Attends from inputs[0] (query) to inputs[1] (value; the query itself when absent), keys inputs[2] or the
    /// value; the query's and value's masks are respected as in Keras.</summary>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var query = inputs[0];
        var value = inputs.Count > 1 ? inputs[1] : query;
        var key = inputs.Count > 2 ? inputs[2] : value;
        Tensor? queryMask = masks.Count > 0 ? masks[0] : null;
        Tensor? valueMask = inputs.Count > 1 ? (masks.Count > 1 ? masks[1] : null) : queryMask;
        var (output, scores) = Attend(query, value, key, queryMask, valueMask, null, false, training);
        scores.Dispose();
        return output;
    }

    /// <summary>Keras: the output carries the query's mask.</summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks) => masks.Count > 0 ? masks[0] : null;

    /// <summary>
    /// Keras's <c>call(query, value, key, attention_mask, use_causal_mask, training)</c>: attends from
    /// <paramref name="query"/> to <paramref name="value"/> (keys default to the values).
    /// </summary>
    /// <param name="query">[batch, T, query features].</param>
    /// <param name="value">[batch, S, value features].</param>
    /// <param name="key">[batch, S, key features]; defaults to <paramref name="value"/>.</param>
    /// <param name="attentionMask">Boolean [batch, T, S] (or broadcastable, e.g. [batch, 1, S]); true = may attend.</param>
    /// <param name="useCausalMask">Let query step t attend only to steps ≤ t (decoders).</param>
    /// <param name="training">Whether dropout is active.</param>
    /// <param name="queryMask">The query's Keras mask [batch, T], if any.</param>
    /// <param name="valueMask">The value's Keras mask [batch, S], if any (padding of the keys and values).</param>
    public Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null, bool useCausalMask = false,
        bool training = false, Tensor? queryMask = null, Tensor? valueMask = null)
    {
        var (output, scores) = CallWithScores(query, value, key, attentionMask, useCausalMask, training, queryMask, valueMask);
        scores.Dispose();
        return output;
    }

    /// <summary>
    /// As <see cref="Call(Tensor, Tensor, Tensor?, Tensor?, bool, bool, Tensor?, Tensor?)"/>, also returning the attention
    /// weights [batch, heads, T, S] (Keras's <c>return_attention_scores=True</c>; before dropout).
    /// </summary>
    public (Tensor Output, Tensor Scores) CallWithScores(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null,
        bool useCausalMask = false, bool training = false, Tensor? queryMask = null, Tensor? valueMask = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        return Attend(query, value, key ?? value, queryMask, valueMask, attentionMask, useCausalMask, training);
    }

    (Tensor Output, Tensor Scores) Attend(Tensor query, Tensor value, Tensor key, Tensor? queryMask, Tensor? valueMask,
        Tensor? attentionMask, bool causal, bool training)
    {
        foreach (var (t, arg) in new[] { (query, "query"), (value, "value"), (key, "key") })
            if (t.dim() != 3)
                throw new ArgumentException(
                    $"Layer \"{Name}\" expects `{arg}` of shape [batch, steps, features]; received ({string.Join(", ", t.shape)}).", arg);
        if (!Built) Build(Dims(query), Dims(value), Dims(key));
        long b = query.shape[0], tq = query.shape[1], s = value.shape[1];
        if (key.shape[1] != s || value.shape[0] != b || key.shape[0] != b)
            throw new ArgumentException(
                $"Layer \"{Name}\": query ({string.Join(", ", query.shape)}), value ({string.Join(", ", value.shape)}) and key ({string.Join(", ", key.shape)}) must share the batch, and value and key the steps.", nameof(key));

        using var scope = NewDisposeScope();
        var q = Project(query, _queryKernel!, _queryBias, KeyDim).mul(1.0 / Math.Sqrt(KeyDim));   // [b, h, T, dk]
        var k = Project(key, _keyKernel!, _keyBias, KeyDim);                                   // [b, h, S, dk]
        var v = Project(value, _valueKernel!, _valueBias, HeadValueDim);                        // [b, h, S, dv]
        var logits = q.matmul(k.transpose(-1, -2));                                             // [b, h, T, S]
        var mask = CombinedMask(queryMask, valueMask, attentionMask, causal, b, tq, s, query.device);
        Tensor weights;
        if (mask is null) weights = logits.softmax(-1);
        else
        {
            var m = mask.unsqueeze(1);                                                          // [b, 1, T, S]
            weights = where(m, logits, -1e9).softmax(-1);
            weights = where(m, weights, 0.0);                                                   // Keras: fully masked rows → 0
        }
        var dropped = training && Dropout > 0 ? nn.functional.dropout(weights, Dropout, training: true) : weights;
        var heads = dropped.matmul(v).transpose(1, 2).reshape(b, tq, NumHeads * HeadValueDim);
        var output = nn.functional.linear(heads, _outputKernel!.Value, _outputBias?.Value);
        return (output.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    static Shape Dims(Tensor t) => new((int)t.shape[1], (int)t.shape[2]);

    Tensor Project(Tensor x, Weight kernel, Weight? bias, int headDim)
    {
        var y = nn.functional.linear(FloatInputs(x), kernel.Value, bias?.Value);
        return y.view(x.shape[0], x.shape[1], NumHeads, headDim).transpose(1, 2);
    }

    Tensor? CombinedMask(Tensor? queryMask, Tensor? valueMask, Tensor? attentionMask, bool causal, long b, long t, long s, Device device)
    {
        Tensor? mask = null;
        void And(Tensor m) => mask = mask is null ? m : mask.logical_and(m);
        if (queryMask is not null) And(AsBool(queryMask, "queryMask", b, t).unsqueeze(-1));        // [b, T, 1]
        if (valueMask is not null) And(AsBool(valueMask, "valueMask", b, s).unsqueeze(-2));        // [b, 1, S]
        if (causal) And(ones(t, s, dtype: ScalarType.Bool, device: device).tril().unsqueeze(0));    // [1, T, S]
        if (attentionMask is not null)
        {
            if (attentionMask.dim() is not (2 or 3) || attentionMask.shape[^1] != s || (attentionMask.shape[^2] != t && attentionMask.shape[^2] != 1))
                throw new ArgumentException(
                    $"Layer \"{Name}\": attentionMask must be [batch, T, S] = ({b}, {t}, {s}) or broadcastable to it; received ({string.Join(", ", attentionMask.shape)}).", nameof(attentionMask));
            And(attentionMask.dtype == ScalarType.Bool ? attentionMask : attentionMask.gt(0.5));
        }
        return mask is null ? null : mask.expand(b, t, s);
    }

    Tensor AsBool(Tensor m, string argument, long b, long steps)
    {
        if (m.dim() != 2 || m.shape[0] != b || m.shape[1] != steps)
            throw new ArgumentException($"Layer \"{Name}\": `{argument}` must be [batch, steps] = ({b}, {steps}); received ({string.Join(", ", m.shape)}).", argument);
        return m.dtype == ScalarType.Bool ? m : m.ne(0);
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig()
    {
        var c = base.GetConfig().Set("num_heads", NumHeads).Set("key_dim", KeyDim).Set("value_dim", ValueDim)
            .Set("dropout", Dropout).Set("use_bias", UseBias).Set("output_shape", OutputSize)
            .Set("kernel_initializer", KernelInitializer).Set("bias_initializer", BiasInitializer);
        return c;
    }
}
